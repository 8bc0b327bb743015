#include "core/config_parser.hpp"

#include "core/delivery_reader.hpp"
#include "core/reminder_reader.hpp"
#include "core/rule_parser.hpp"
#include "core/toml_reader.hpp"

#include <algorithm>
#include <array>

namespace scadenzario {

namespace {

constexpr std::array<std::string_view, 14> k_config_keys = {
    "name",     "time_zone", "send_at",   "rules_dir", "actors_file",  "state_db",
    "tracked_from", "calendar",  "delivery", "mandate",   "reminders", "override",
    "smtp",     "webhook"};
constexpr std::array<std::string_view, 5> k_delivery_keys = {"maildir", "from_address", "from_name",
                                                             "digest", "webhooks"};
constexpr std::array<std::string_view, 4> k_calendar_keys = {
    "non_business_day_rule", "saturday_is_business_day", "pentecost_monday", "patron"};
constexpr std::array<std::string_view, 5> k_patron_keys = {"name", "date", "month", "weekday",
                                                           "nth"};
constexpr std::array<std::string_view, 2> k_mandate_keys = {"start", "end"};
constexpr std::array<std::string_view, 5> k_override_keys = {"act", "deadline", "period", "due",
                                                             "reason"};

struct WeekdayName {
  std::string_view name;
  unsigned c_encoding;
};

constexpr std::array<WeekdayName, 14> k_weekday_names = {{
    {"sunday", 0},  {"monday", 1},  {"tuesday", 2},  {"wednesday", 3}, {"thursday", 4},
    {"friday", 5},  {"saturday", 6}, {"domenica", 0}, {"lunedi", 1},    {"martedi", 2},
    {"mercoledi", 3}, {"giovedi", 4}, {"venerdi", 5},  {"sabato", 6},
}};

std::optional<std::chrono::weekday> read_weekday(TableReader& reader) {
  const auto text = reader.string("weekday", Need::required);
  if (!text) return std::nullopt;
  for (const auto& [name, encoding] : k_weekday_names) {
    if (*text == name) return std::chrono::weekday{encoding};
  }
  std::array<std::string_view, k_weekday_names.size()> names{};
  std::ranges::transform(k_weekday_names, names.begin(), &WeekdayName::name);
  reader.context().error(reader.location_of("weekday"),
                         "invalid weekday \"" + *text + "\": expected monday..sunday or "
                         "lunedi..domenica" + did_you_mean(*text, names));
  return std::nullopt;
}

// A patron day is a fixed "MM-DD" that exists every year.
std::expected<DueSpec, std::string> parse_patron_date(const std::string& text) {
  if (text == "02-29") {
    return std::unexpected("invalid patron day \"02-29\": 29 February does not exist in every year");
  }
  auto spec = parse_due_spec(Recurrence::year, text);
  if (spec && spec->day != 0) return spec;
  if (!spec && spec.error().starts_with("impossible date")) return spec;
  return std::unexpected("expected a fixed day \"MM-DD\" for a patron day, found \"" + text + "\"");
}

std::optional<PatronDay> parse_patron(const toml::table& table, ParseContext& context) {
  TableReader reader(table, "[[calendar.patron]]", k_patron_keys, context);
  PatronDay patron;
  const auto name = reader.string("name", Need::required);
  if (reader.has("date")) {
    for (const std::string_view movable : {"month", "weekday", "nth"}) {
      if (reader.has(movable)) {
        context.error(reader.location_of(movable),
                      "a patron day has either \"date\" or \"month\", \"weekday\" and \"nth\", "
                      "not both; remove \"" + std::string(movable) + "\"");
        return std::nullopt;
      }
    }
    const auto text = reader.string("date", Need::required);
    if (!text || !name) return std::nullopt;
    auto spec = parse_patron_date(*text);
    if (!spec) {
      context.error(reader.location_of("date"), spec.error());
      return std::nullopt;
    }
    return PatronDay{.name = *name, .month = spec->month, .day = spec->day, .weekday = {}, .nth = 0};
  }
  const auto month = reader.integer("month", Need::required, 1, 12);
  const auto weekday = read_weekday(reader);
  const auto nth = reader.integer("nth", Need::required, -1, 5);
  if (nth && *nth == 0) {
    context.error(reader.location_of("nth"), "\"nth\" must be 1 to 5, or -1 for the last");
    return std::nullopt;
  }
  if (!name || !month || !weekday || !nth) return std::nullopt;
  return PatronDay{.name = *name,
                   .month = static_cast<unsigned>(*month),
                   .weekday = *weekday,
                   .nth = static_cast<int>(*nth)};
}

void read_calendar(const toml::table& table, CalendarConfig& calendar, ParseContext& context) {
  TableReader reader(table, "[calendar]", k_calendar_keys, context);
  if (const auto text = reader.string("non_business_day_rule", Need::optional)) {
    if (const auto rule = parse_shift_rule(*text)) {
      calendar.shift_rule = *rule;
    } else {
      constexpr std::array<std::string_view, 3> k_rules = {"none", "previous-business-day",
                                                           "next-business-day"};
      context.error(reader.location_of("non_business_day_rule"),
                    "invalid non_business_day_rule \"" + *text +
                        "\": expected \"none\", \"previous-business-day\" or "
                        "\"next-business-day\"" + did_you_mean(*text, k_rules));
    }
  }
  calendar.saturday_is_business_day = reader.boolean("saturday_is_business_day").value_or(false);
  calendar.pentecost_monday = reader.boolean("pentecost_monday").value_or(false);
  for (const toml::table* patron_table : reader.tables("patron", Need::optional)) {
    if (auto patron = parse_patron(*patron_table, context)) {
      calendar.patron_days.push_back(std::move(*patron));
    }
  }
}

void read_delivery(const toml::table& table, Delivery& delivery, ParseContext& context) {
  TableReader reader(table, "[delivery]", k_delivery_keys, context);
  delivery.maildir = reader.path("maildir", Need::optional).value_or(delivery.maildir);
  delivery.from_name = reader.string("from_name", Need::optional).value_or(delivery.from_name);
  delivery.digest = reader.boolean("digest").value_or(delivery.digest);
  delivery.webhooks =
      reader.strings("webhooks", Need::optional, &delivery.webhooks_where).value_or(std::vector<std::string>{});
  if (const auto from = reader.string("from_address", Need::optional)) {
    if (is_plausible_address(*from)) {
      delivery.from_address = *from;
    } else {
      context.error(reader.location_of("from_address"),
                    "invalid e-mail address \"" + *from + "\": expected name@domain");
    }
  }
}

void read_mandates(TableReader& config_reader, Config& config, ParseContext& context) {
  for (const toml::table* table : config_reader.tables("mandate", Need::optional)) {
    TableReader reader(*table, "[[mandate]]", k_mandate_keys, context);
    const auto start = reader.date("start", Need::required);
    const auto end = reader.date("end", Need::required);
    if (!start || !end) continue;
    if (*end <= *start) {
      context.error(reader.location_of("end"), "mandate end " + format_iso(*end) +
                                                   " is not after its start " + format_iso(*start));
      continue;
    }
    constexpr int k_max_mandate_days = 6 * 366;  // five years, and some slack for extensions
    if (days_between(*start, *end) > k_max_mandate_days) {
      context.error(reader.location_of("end"),
                    "mandate from " + format_iso(*start) + " to " + format_iso(*end) +
                        " is longer than six years; a council's mandate lasts five");
      continue;
    }
    if (year_of(*start) < 1900 || year_of(*end) > 2200) {
      context.error(reader.location_of("start"), "mandate dates must lie between 1900 and 2200");
      continue;
    }
    if (!config.mandates.empty() && year_of(*start) == year_of(config.mandates.back().start)) {
      context.error(reader.location_of("start"),
                    "two mandates start in " + std::to_string(year_of(*start)) +
                        "; their occurrences would share the period \"mandato-" +
                        std::to_string(year_of(*start)) + "\"");
      continue;
    }
    if (!config.mandates.empty() && *start <= config.mandates.back().end) {
      context.error(reader.location_of("start"),
                    "mandate starting " + format_iso(*start) +
                        " overlaps the previous one or is out of order (list mandates "
                        "oldest first)");
      continue;
    }
    config.mandates.push_back(Mandate{*start, *end});
  }
}

void read_overrides(TableReader& config_reader, Config& config, ParseContext& context) {
  for (const toml::table* table : config_reader.tables("override", Need::optional)) {
    TableReader reader(*table, "[[override]]", k_override_keys, context);
    const auto act = reader.string("act", Need::required);
    const auto deadline = reader.string("deadline", Need::optional);
    const auto period = reader.string("period", Need::required);
    const auto due = reader.date("due", Need::required);
    const auto reason = reader.string("reason", Need::required, Text::multi_line);
    if (!act || !period || !due || !reason) continue;
    config.overrides.push_back(Override{.act = *act,
                                        .deadline = deadline.value_or(""),
                                        .period = *period,
                                        .due = *due,
                                        .reason = *reason,
                                        .where = reader.location(),
                                        .act_where = reader.location_of("act"),
                                        .deadline_where = reader.location_of("deadline"),
                                        .period_where = reader.location_of("period")});
  }
}

std::optional<std::chrono::minutes> parse_clock_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9' ? c - '0' : -100; };
  const int hours = digit(text[0]) * 10 + digit(text[1]);
  const int minutes = digit(text[3]) * 10 + digit(text[4]);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
  return std::chrono::minutes{hours * 60 + minutes};
}

void read_general(TableReader& reader, Config& config, ParseContext& context) {
  config.name = reader.string("name", Need::required).value_or("");
  config.time_zone = reader.string("time_zone", Need::optional).value_or(config.time_zone);
  config.time_zone_where = reader.location_of("time_zone");
  if (const auto send_at = reader.string("send_at", Need::optional)) {
    if (const auto time = parse_clock_time(*send_at)) {
      config.send_at = *time;
    } else {
      context.error(reader.location_of("send_at"),
                    "invalid send_at \"" + *send_at + "\": expected a local time \"HH:MM\"");
    }
  }
  config.rules_dir = reader.path("rules_dir", Need::optional).value_or(config.rules_dir);
  config.rules_dir_where = reader.location_of("rules_dir");
  config.actors_file = reader.path("actors_file", Need::optional).value_or("");
  config.actors_file_where = reader.location_of("actors_file");
  config.state_db = reader.path("state_db", Need::optional).value_or(config.state_db);
  config.tracked_from = reader.date("tracked_from", Need::optional);
}

}  // namespace

Config parse_config(std::string_view text, std::string_view file, Diagnostics& errors) {
  ParseContext context(file, errors);
  Config config;
  const auto root = parse_toml(text, context);
  if (!root) return config;
  TableReader reader(*root, "the configuration", k_config_keys, context);
  config.where = SourceLocation{std::string(file), 1, 1};
  read_general(reader, config, context);
  if (const toml::table* calendar = reader.table("calendar")) {
    read_calendar(*calendar, config.calendar, context);
  }
  if (const toml::table* delivery = reader.table("delivery")) {
    read_delivery(*delivery, config.delivery, context);
  }
  if (const toml::table* smtp = reader.table("smtp")) {
    config.delivery.smtp = read_smtp(*smtp, context);
  }
  config.delivery.webhook_targets = read_webhooks(reader, context);
  read_mandates(reader, config, context);
  if (const toml::table* reminders = reader.table("reminders")) {
    const ReminderPolicy policy = read_reminder_policy(*reminders, "[reminders]", context);
    const ReminderPolicy defaults = default_reminder_policy();
    config.reminders = ReminderPolicy{
        .lead_days = policy.lead_days ? policy.lead_days : defaults.lead_days,
        .escalate_after_days = policy.escalate_after_days.value_or(*defaults.escalate_after_days),
        .repeat_every_days = policy.repeat_every_days.value_or(*defaults.repeat_every_days),
        .escalate_further_after_days =
            policy.escalate_further_after_days.value_or(*defaults.escalate_further_after_days),
    };
  }
  read_overrides(reader, config, context);
  return config;
}

}  // namespace scadenzario
