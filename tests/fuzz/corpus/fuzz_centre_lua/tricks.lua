local t = setmetatable({}, {__gc = print})
rawset(_G, "x", 1)
string.rep = nil
