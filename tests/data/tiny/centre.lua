-- tests/data/tiny: a small hand-written centre that uses every file.
centre {
  id = "tiny",
  name = "IKC De Kleine Vlinder",
  timezone = "Europe/Amsterdam",
  country = "NL",
  home = "ikc",
  max_activities = 2,
}
