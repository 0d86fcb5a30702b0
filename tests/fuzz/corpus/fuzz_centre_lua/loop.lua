pcall(function() while true do end end)
x = load("return 1")()
