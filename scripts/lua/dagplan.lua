---@meta dagplan
-- dagplan.lua - definitions of what a centre.lua can use, for
-- lua-language-server (VS Code's "Lua" extension): completion and hover help
-- for centre{} and every rule. This file is never run; dagplan provides these
-- names itself (docs/rules.md, docs/sandbox.md). Installed in share/dagplan
-- (e.g. /usr/local/share/dagplan); copy it next to centre.lua or point the
-- language server at it with a .luarc.json next to centre.lua:
--   { "workspace.library": ["/usr/local/share/dagplan"] }

---@alias dagplan.Day "mon"|"tue"|"wed"|"thu"|"fri"|"sat"|"sun"
---@alias dagplan.OneOrMany<T> T|T[]

---The settings of the centre (call once).
---@class dagplan.Centre
---@field id string centre id, letters, digits, '_', '.', '-' (1-64)
---@field name string display name, e.g. "IKC De Vlinder"
---@field timezone string IANA time zone, e.g. "Europe/Amsterdam"
---@field country? "NL"|"BE-VL" which childcare ratio rules apply (default "NL")
---@field home string locations.csv id of the centre's own building
---@field max_activities? integer most activities per child per week (default 2)
---@field ratio_rules? "2024"|"2019" NL ratio rules year (default "2024")
---@field base_url? string web address of the feeds, "https://..."

---Declares the centre's settings.
---@param settings dagplan.Centre
function centre(settings) end

---Keys every rule takes, and the selection of children, activities and days.
---Give exactly one of `hard = true` and `weight`.
---@class dagplan.Rule
---@field name string shown in messages, explanations and the solve summary (1-100 characters)
---@field hard? boolean true: the schedule never breaks the rule
---@field weight? integer soft rule: points (0 to 1,000,000) per unit of violation; 0: only watched (counted and reported, never steers the solver)
---@field groups? dagplan.OneOrMany<integer> school groups 0-8 (0 = under four)
---@field ages? dagplan.OneOrMany<integer> age in whole years on the Monday of the solved week
---@field priority? dagplan.OneOrMany<integer> priority levels 0-3
---@field min_priority? integer priority at least this (0-3)
---@field neighbourhoods? dagplan.OneOrMany<string> neighbourhoods of children.csv
---@field families? dagplan.OneOrMany<string> family ids of children.csv
---@field children? dagplan.OneOrMany<string> child ids
---@field activities? dagplan.OneOrMany<string> activity ids
---@field themes? dagplan.OneOrMany<string> themes of activities.csv ("sport", "taal", ...)
---@field days? dagplan.OneOrMany<dagplan.Day> only sessions on these days count

---@class dagplan.MaxRule: dagplan.Rule
---@field max integer the most allowed
---@field per? "week"|"day" per week (default) or per day

---@class dagplan.TimeRule: dagplan.Rule
---@field time string "HH:MM"

---@class dagplan.ReserveRule: dagplan.Rule
---@field activity string the activity whose places are kept
---@field places integer how many places are kept for the selected children
---@field until_date? string "YYYY-MM-DD": from this date on the places are free

---@class dagplan.SiblingsRule: dagplan.Rule
---@field together? "section"|"day" same section (default) or sections on the same days

---@class dagplan.PinRule
---@field name string
---@field hard? boolean
---@field weight? integer
---@field child string child id
---@field section string sections.csv id of a section of an activity the child chose

---@class dagplan.MixRule
---@field name string
---@field weight integer mix rules are soft only
---@field by "neighbourhood"|"priority" which background to mix
---@field max_share? number largest share of one background in a section (default 0.5), unless the applicants allow no better
---@field activities? dagplan.OneOrMany<string>
---@field themes? dagplan.OneOrMany<string>

---What a custom child rule sees: one child in the schedule being judged.
---Read-only; creates no tables.
---@class dagplan.ChildCtx
---@field id string child id
---@field group integer school group 0-8
---@field priority integer 0-3
---@field neighbourhood string|nil
---@field family string|nil
---@field n integer number of activities granted
local ChildCtx = {}
---Activity id of the i-th granted activity (nil past the end).
---@param i integer
---@return string|nil
function ChildCtx:activity(i) end
---Section id of the i-th granted activity.
---@param i integer
---@return string|nil
function ChildCtx:section(i) end
---Theme of the i-th granted activity.
---@param i integer
---@return string|nil
function ChildCtx:theme(i) end
---Whether the child is granted the activity.
---@param activity string
---@return boolean
function ChildCtx:has(activity) end
---Whether the child is granted an activity of the theme.
---@param theme string
---@return boolean
function ChildCtx:has_theme(theme) end
---Number of the child's sessions on a day.
---@param day dagplan.Day
---@return integer
function ChildCtx:sessions_on(day) end
---Minutes of the child's sessions on a day.
---@param day dagplan.Day
---@return integer
function ChildCtx:minutes_on(day) end
---Start "HH:MM" of the child's first session on a day, nil on a free day.
---@param day dagplan.Day
---@return string|nil
function ChildCtx:first_start(day) end
---End "HH:MM" of the child's last session on a day, nil on a free day.
---@param day dagplan.Day
---@return string|nil
function ChildCtx:last_end(day) end

---What a custom section rule sees: one section in the schedule being judged.
---@class dagplan.SectionCtx
---@field id string section id
---@field activity string
---@field theme string
---@field location string
---@field size integer children in the section now
---@field max_size integer
---@field sessions integer weekly meetings
local SectionCtx = {}
---Child id of the i-th member (1..size).
---@param i integer
---@return string|nil
function SectionCtx:member(i) end
---Members whose field equals value.
---@param field "group"|"priority"|"neighbourhood"|"family"
---@param value string|integer
---@return integer
function SectionCtx:count(field, value) end
---Day of the i-th meeting.
---@param i integer
---@return dagplan.Day|nil
function SectionCtx:day(i) end
---Start "HH:MM" of the i-th meeting.
---@param i integer
---@return string|nil
function SectionCtx:start(i) end

---@class dagplan.CustomRule: dagplan.Rule
---@field scope "child"|"section" what check is called for
---@field check fun(ctx: dagplan.ChildCtx|dagplan.SectionCtx): number|boolean units of violation: a number (0 = fine), true (fine) or false (broken)

---The rule library (docs/rules.md).
rule = {}

---At most `max` activities per child per week or day (unit: each activity over).
---@param r dagplan.MaxRule
function rule.max_activities(r) end

---At most `max` minutes of sessions per child per week or day (unit: each minute over).
---@param r dagplan.MaxRule
function rule.max_minutes(r) end

---No session of a selected child starts before `time` (unit: each session).
---@param r dagplan.TimeRule
function rule.not_before(r) end

---No session of a selected child ends after `time` (unit: each session).
---@param r dagplan.TimeRule
function rule.not_after(r) end

---Keep `places` of `activity` for the selected children until `until_date`.
---@param r dagplan.ReserveRule
function rule.reserve(r) end

---Siblings (same family) who get one activity get the same section or days.
---@param r dagplan.SiblingsRule
function rule.siblings(r) end

---A child gets at most one activity of each theme.
---@param r dagplan.Rule
function rule.theme_once(r) end

---Every selected child who chose one of the selected activities gets one.
---@param r dagplan.Rule
function rule.at_least_one(r) end

---The selected activities only for the selected children.
---@param r dagplan.Rule
function rule.only_for(r) end

---The listed `children` never share a section.
---@param r dagplan.Rule
function rule.apart(r) end

---The child gets the section's activity in that section.
---@param r dagplan.PinRule
function rule.pin(r) end

---The child is never placed in that section (a planner's "not this group").
---@param r dagplan.PinRule
function rule.forbid(r) end

---Sections not drawn mostly from one neighbourhood or priority level (soft), where the
---choices allow better: a section may hold max(floor(n x max_share), the least its pool of
---applicants allows) children of one background (docs/rules.md, rule.mix).
---@param r dagplan.MixRule
function rule.mix(r) end

---Your own rule: check(ctx) is called when its child or section changes.
---@param r dagplan.CustomRule
function rule.custom(r) end

---Plain-text helpers (no patterns): see docs/sandbox.md.
---@param s string
---@param text string
---@return boolean
function string.contains(s, text) end
---@param s string
---@param prefix string
---@return boolean
function string.starts_with(s, prefix) end
---@param s string
---@param suffix string
---@return boolean
function string.ends_with(s, suffix) end
---@param s string
---@param sep string
---@return string[]
function string.split(s, sep) end
---@param s string
---@return string
function string.trim(s) end

---@class dagplan.Date
---@field year integer
---@field month integer
---@field day integer
---@field weekday dagplan.Day
---@field wday integer Monday = 1
---@field yday integer
---@field days integer days since 1970-01-01

---Parses "YYYY-MM-DD".
---@param s string
---@return dagplan.Date
function date(s) end
