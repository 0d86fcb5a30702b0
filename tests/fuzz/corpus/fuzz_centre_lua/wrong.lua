centre { id = 5, [1] = "x", max_activities = 2.5 }
centre {}
