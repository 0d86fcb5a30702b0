centre {
  id = "v"
  name = "x"
