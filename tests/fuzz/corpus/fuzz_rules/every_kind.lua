rule.not_after{name = "a", groups = {1, 2, 3}, time = "16:15", hard = true}
rule.not_before{name = "b", time = "15:00", days = {"wed"}, weight = 3}
rule.max_activities{name = "c", max = 1, per = "day", weight = 50}
rule.max_minutes{name = "d", max = 60, weight = 2}
rule.theme_once{name = "e", weight = 30}
rule.at_least_one{name = "f", min_priority = 1, themes = {"lezen"}, weight = 40}
rule.siblings{name = "g", together = "day", weight = 5}
rule.mix{name = "h", by = "neighbourhood", max_share = 0.6, weight = 10}
rule.only_for{name = "i", activities = "judo", groups = {3, 4, 5, 6, 7, 8}, hard = true}
rule.apart{name = "j", children = {"c1", "c2"}, hard = true}
rule.pin{name = "k", child = "c4", section = "judo-b", hard = true}
rule.reserve{name = "l", activity = "judo", places = 2, min_priority = 2, until_date = "2030-01-01", hard = true}
rule.custom{name = "m", scope = "child", weight = 7, check = function(ctx) return ctx:sessions_on("tue") end}
rule.custom{name = "n", scope = "section", hard = true, check = function(ctx) return ctx.size < 4 end}
