local function tz() return "Europe/Brussels" end
local d = date("2027-01-19")
assert(d.weekday == "tue")
local parts = ("a,b,c"):split(",")
centre { id = "zon", name = "IKC De Zon " .. #parts, timezone = tz(), country = "BE-VL",
  home = ("  hoofdgebouw "):trim(), ratio_rules = "2019", base_url = "https://zon.example.be",
  max_activities = math.random(1, 3), extra = { 1, 2 } }
print("ok", string.contains("abc", "b"))
