-- IKC De Vlinder, Leeuwarden (Heechterp, a priority neighbourhood of
-- "Kansen voor Kinderen"). The example centre of dagplan: 240 children in
-- groups 1-8, after-school activities with Sport BV, DBieb and Kunstkade.
-- Made with gen-instance (shape ikc, seed 7) and edited by hand.
centre {
  id = "vlinder",
  name = "IKC De Vlinder",
  timezone = "Europe/Amsterdam",
  country = "NL",
  home = "ikc",
  max_activities = 2,
}
