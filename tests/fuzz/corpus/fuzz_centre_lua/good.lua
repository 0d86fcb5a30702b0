centre {
  id = "vlinder",
  name = "IKC De Vlinder",
  timezone = "Europe/Amsterdam",
  country = "NL",
  home = "ikc",
  max_activities = 2,
}
