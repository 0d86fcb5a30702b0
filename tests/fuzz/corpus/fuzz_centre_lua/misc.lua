local t = {} for i = 1, 100 do t[i] = ("x"):rep(i) end
centre { id = "a", name = "b", timezone = "c", home = "d" }
error({})
