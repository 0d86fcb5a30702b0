-- tests/data/ratio: a hand-made centre for the childcare ratio in the solve
-- (tests/unit/test_ratio_care.c works out every expected number).
centre {
  id = "ratio",
  name = "IKC De Ratio",
  timezone = "Europe/Amsterdam",
  country = "NL",
  home = "ikc",
  max_activities = 2,
}
