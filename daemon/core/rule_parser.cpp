#include "core/rule_parser.hpp"

#include "core/reminder_reader.hpp"
#include "core/toml_reader.hpp"

#include <algorithm>
#include <array>

namespace scadenzario {

namespace {

constexpr std::array<std::string_view, 3> k_file_keys = {"actor", "act", "person"};
constexpr std::array<std::string_view, 4> k_actor_keys = {"id", "title", "escalate_to", "webhooks"};
constexpr std::array<std::string_view, 4> k_person_keys = {"id", "name", "email", "roles"};
constexpr std::array<std::string_view, 17> k_act_keys = {
    "id",    "title",      "phase",       "purpose", "legal_basis", "every",
    "due",   "deadline",   "refers_to",   "after",   "valid_from",  "valid_until",
    "enabled", "note",     "reminders",   "step",    "label"};
constexpr std::array<std::string_view, 4> k_deadline_keys = {"name", "label", "due", "refers_to"};
constexpr std::array<std::string_view, 8> k_step_keys = {
    "id", "actor", "action", "due", "per_member", "enabled", "reminders", "note"};

constexpr int k_first_year = 1900;
constexpr int k_last_year = 2200;

bool is_id_char(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
}

// Reads an identifier and checks its alphabet: ids are keys of stored state.
std::optional<std::string> read_id(TableReader& reader, std::string_view key, Need need,
                                   std::string_view extra_chars, std::string_view alphabet) {
  auto id = reader.string(key, need);
  if (!id) return std::nullopt;
  const bool valid = !id->empty() && std::ranges::all_of(*id, [&](char c) {
    return is_id_char(c, extra_chars);
  });
  if (!valid) {
    reader.context().error(reader.location_of(key), "invalid " + std::string(key) + " \"" + *id +
                                                        "\": expected " + std::string(alphabet));
    return std::nullopt;
  }
  return id;
}

std::optional<std::string> read_act_id(TableReader& reader, std::string_view key, Need need) {
  return read_id(reader, key, need, "-", "lower-case letters, digits and '-'");
}

std::optional<std::string> read_role_id(TableReader& reader, std::string_view key, Need need) {
  return read_id(reader, key, need, "_", "lower-case letters, digits and '_'");
}

std::optional<Actor> parse_actor(const toml::table& table, ParseContext& context) {
  TableReader reader(table, "[[actor]]", k_actor_keys, context);
  const auto id = read_role_id(reader, "id", Need::required);
  const auto title = reader.string("title", Need::required);
  const auto escalate_to = reader.string("escalate_to", Need::optional);
  std::vector<SourceLocation> webhooks_where;
  auto webhooks = reader.strings("webhooks", Need::optional, &webhooks_where);
  if (!id || !title) return std::nullopt;
  return Actor{.id = *id,
               .title = *title,
               .escalate_to = escalate_to.value_or(""),
               .webhooks = std::move(webhooks).value_or(std::vector<std::string>{}),
               .where = reader.location(),
               .escalate_to_where = reader.location_of("escalate_to"),
               .webhooks_where = std::move(webhooks_where)};
}

std::optional<Person> parse_person(const toml::table& table, ParseContext& context) {
  TableReader reader(table, "[[person]]", k_person_keys, context);
  Person person;
  const auto id = read_id(reader, "id", Need::required, "_.-",
                          "lower-case letters, digits, '_', '.' and '-'");
  const auto name = reader.string("name", Need::required);
  const auto email = reader.string("email", Need::required);
  const auto roles = reader.strings("roles", Need::required, &person.roles_where);
  if (!id || !name || !email || !roles) return std::nullopt;
  if (!is_plausible_address(*email)) {
    context.error(reader.location_of("email"),
                  "invalid e-mail address \"" + *email + "\": expected name@domain");
    return std::nullopt;
  }
  person.id = *id;
  person.name = *name;
  person.email = *email;
  person.roles = *roles;
  person.where = reader.location();
  return person;
}

std::optional<RefersTo> read_refers_to(TableReader& reader) {
  const auto text = reader.string("refers_to", Need::optional);
  if (!text) return std::nullopt;
  if (*text == "same-year") return RefersTo::same_year;
  if (*text == "previous-year") return RefersTo::previous_year;
  if (*text == "next-year") return RefersTo::next_year;
  constexpr std::array<std::string_view, 3> k_values = {"same-year", "previous-year", "next-year"};
  reader.context().error(reader.location_of("refers_to"),
                         "invalid refers_to \"" + *text +
                             "\": expected \"same-year\", \"previous-year\" or \"next-year\"" +
                             did_you_mean(*text, k_values));
  return std::nullopt;
}

std::optional<Recurrence> read_every(TableReader& reader) {
  const auto text = reader.string("every", Need::optional);
  if (!text) return reader.has("every") ? std::nullopt : std::optional{Recurrence::year};
  if (*text == "year") return Recurrence::year;
  if (*text == "month") return Recurrence::month;
  if (*text == "mandate") return Recurrence::mandate;
  constexpr std::array<std::string_view, 3> k_values = {"year", "month", "mandate"};
  reader.context().error(reader.location_of("every"),
                         "invalid every \"" + *text +
                             "\": expected \"year\", \"month\" or \"mandate\"" +
                             did_you_mean(*text, k_values));
  return std::nullopt;
}

std::optional<DueSpec> read_due(TableReader& reader, Recurrence every, Need need) {
  const auto text = reader.string("due", need);
  if (!text) return std::nullopt;
  auto spec = parse_due_spec(every, *text);
  if (!spec) {
    reader.context().error(reader.location_of("due"), spec.error());
    return std::nullopt;
  }
  return *spec;
}

std::optional<Deadline> parse_deadline(const toml::table& table, Recurrence every,
                                       RefersTo act_refers_to, ParseContext& context) {
  TableReader reader(table, "[[act.deadline]]", k_deadline_keys, context);
  if (every != Recurrence::year && reader.has("refers_to")) {
    context.error(reader.location_of("refers_to"),
                  "\"refers_to\" applies to acts with every = \"year\" only");
  }
  const auto name = read_act_id(reader, "name", Need::required);
  const auto label = reader.string("label", Need::optional);
  const auto due = read_due(reader, every, Need::required);
  const auto refers_to = read_refers_to(reader);
  if (!name || !due) return std::nullopt;
  return Deadline{.name = *name,
                  .label = label.value_or(*name),
                  .due = *due,
                  .refers_to = refers_to.value_or(act_refers_to),
                  .where = reader.location()};
}

std::optional<Step> parse_step(const toml::table& table, ParseContext& context) {
  TableReader reader(table, "[[act.step]]", k_step_keys, context);
  const std::size_t errors_before = context.error_count();
  Step step;
  const auto action = reader.string("action", Need::required);
  const auto id = read_act_id(reader, "id", Need::optional);
  const auto actor = reader.string("actor", Need::required);
  if (const auto due = reader.string("due", Need::optional)) {
    if (auto offset = parse_offset(*due)) {
      step.offset = *offset;
    } else {
      context.error(reader.location_of("due"), offset.error());
    }
  }
  step.per_member = reader.boolean("per_member").value_or(false);
  step.enabled = reader.boolean("enabled").value_or(true);
  reader.string("note", Need::optional, Text::multi_line);
  if (const toml::table* reminders = reader.table("reminders")) {
    step.reminders = read_reminder_policy(*reminders, "the reminders of [[act.step]]", context);
  }
  if (!action || !actor || context.error_count() != errors_before) return std::nullopt;
  step.action = *action;
  step.id = id.value_or(step_id_from_action(*action));
  if (step.id.empty()) {
    context.error(reader.location_of("action"), "cannot make a step id from action \"" + *action +
                                                    "\"; give the step an explicit \"id\"");
    return std::nullopt;
  }
  step.actor = *actor;
  step.where = reader.location();
  step.actor_where = reader.location_of("actor");
  step.offset_where = reader.has("due") ? reader.location_of("due") : reader.location();
  return step;
}

// Steps are listed in procedural order: none may fall after the act, none before an
// earlier step. Calendar and business days cannot be compared without a calendar, so
// order is checked between offsets of the same unit.
void check_step_order(const Act& act, ParseContext& context) {
  for (std::size_t i = 0; i < act.steps.size(); ++i) {
    const Step& step = act.steps[i];
    if (step.offset.amount > 0) {
      context.error(step.offset_where, "step \"" + step.id + "\" of act \"" + act.id +
                                           "\" is due after the act's deadline (" +
                                           to_string(step.offset) +
                                           "); a step's due must be 0d or earlier");
    }
    for (std::size_t j = 0; j < i; ++j) {
      const Step& earlier = act.steps[j];
      if (earlier.offset.unit == step.offset.unit && earlier.offset.amount > step.offset.amount) {
        context.error(step.offset_where,
                      "steps out of order in act \"" + act.id + "\": \"" + step.id + "\" (" +
                          to_string(step.offset) + ") is listed after \"" + earlier.id + "\" (" +
                          to_string(earlier.offset) + ") but falls due before it");
        break;
      }
    }
  }
}

void check_unique_names(const Act& act, ParseContext& context) {
  for (std::size_t i = 0; i < act.steps.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (act.steps[i].id == act.steps[j].id) {
        context.error(act.steps[i].where,
                      "duplicate step id \"" + act.steps[i].id + "\" in act \"" + act.id +
                          "\" (first at " + act.steps[j].where.to_string() +
                          "); give each step its own \"id\"");
        break;
      }
    }
  }
  for (std::size_t i = 0; i < act.deadlines.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (act.deadlines[i].name == act.deadlines[j].name) {
        context.error(act.deadlines[i].where, "duplicate deadline name \"" +
                                                  act.deadlines[i].name + "\" in act \"" + act.id +
                                                  "\" (first at " +
                                                  act.deadlines[j].where.to_string() + ")");
        break;
      }
    }
  }
}

std::vector<Prerequisite> read_after(TableReader& reader) {
  std::vector<SourceLocation> locations;
  const auto entries = reader.strings("after", Need::optional, &locations);
  std::vector<Prerequisite> after;
  if (!entries) return after;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const std::string& entry = (*entries)[i];
    const auto colon = entry.find(':');
    if (colon != std::string::npos && (colon == 0 || colon + 1 == entry.size())) {
      reader.context().error(locations[i], "invalid prerequisite \"" + entry +
                                               "\": expected \"act\" or \"act:deadline\"");
      continue;
    }
    after.push_back(Prerequisite{.act = entry.substr(0, colon),
                                 .deadline = colon == std::string::npos ? "" : entry.substr(colon + 1),
                                 .where = locations[i]});
  }
  return after;
}

void read_validity(TableReader& reader, Act& act) {
  act.valid_from = reader.integer("valid_from", Need::optional, k_first_year, k_last_year)
                       .transform([](std::int64_t y) { return static_cast<int>(y); });
  act.valid_until = reader.integer("valid_until", Need::optional, k_first_year, k_last_year)
                        .transform([](std::int64_t y) { return static_cast<int>(y); });
  act.valid_where = reader.location_of(reader.has("valid_until") ? "valid_until" : "valid_from");
  if (act.valid_from && act.valid_until && *act.valid_from > *act.valid_until) {
    reader.context().error(act.valid_where,
                           "valid_until " + std::to_string(*act.valid_until) +
                               " is before valid_from " + std::to_string(*act.valid_from));
  }
}

// Names the act in messages, also when its id is missing or invalid.
std::string describe(const Act& act) {
  return act.id.empty() ? std::string("this act") : "act \"" + act.id + "\"";
}

void read_deadlines(TableReader& reader, Act& act, const std::optional<RefersTo>& refers_to) {
  const RefersTo act_refers_to = refers_to.value_or(RefersTo::same_year);
  const bool has_due = reader.has("due");
  const bool has_deadlines = reader.has("deadline");
  if (has_due && has_deadlines) {
    reader.context().error(reader.location_of("deadline"),
                           describe(act) + " has both \"due\" and [[act.deadline]]; use one of them");
  } else if (!has_due && !has_deadlines) {
    reader.context().error(reader.location(),
                           describe(act) + " has no due date: add \"due\" or [[act.deadline]]");
  } else if (has_due) {
    if (const auto due = read_due(reader, act.every, Need::required)) {
      act.deadlines.push_back(Deadline{.name = "",
                                       .label = reader.string("label", Need::optional).value_or(""),
                                       .due = *due,
                                       .refers_to = act_refers_to,
                                       .where = reader.location_of("due")});
    }
    return;
  }
  for (const toml::table* table : reader.tables("deadline", Need::optional)) {
    if (auto deadline = parse_deadline(*table, act.every, act_refers_to, reader.context())) {
      act.deadlines.push_back(std::move(*deadline));
    }
  }
}

std::optional<Act> parse_act(const toml::table& table, ParseContext& context) {
  TableReader reader(table, "[[act]]", k_act_keys, context);
  const std::size_t errors_before = context.error_count();
  Act act;
  act.id = read_act_id(reader, "id", Need::required).value_or("");
  act.title = reader.string("title", Need::required).value_or("");
  act.phase = static_cast<int>(reader.integer("phase", Need::required, 1, 4).value_or(0));
  act.purpose = reader.string("purpose", Need::required, Text::multi_line).value_or("");
  act.legal_basis = reader.string("legal_basis", Need::required).value_or("");
  act.note = reader.string("note", Need::optional, Text::multi_line).value_or("");
  act.enabled = reader.boolean("enabled").value_or(true);
  act.every_where = reader.location_of("every");
  const auto every = read_every(reader);
  const auto refers_to = read_refers_to(reader);
  if (every) {
    act.every = *every;
    if (act.every != Recurrence::year && reader.has("refers_to")) {
      context.error(reader.location_of("refers_to"),
                    "\"refers_to\" applies to acts with every = \"year\" only; a " +
                        std::string(to_string(act.every)) + " act refers to its own period");
    }
    read_deadlines(reader, act, refers_to);
  }
  act.after = read_after(reader);
  read_validity(reader, act);
  if (const toml::table* reminders = reader.table("reminders")) {
    act.reminders = read_reminder_policy(*reminders, "[act.reminders]", context);
  }
  const auto step_tables = reader.tables("step", Need::required);
  for (const toml::table* step_table : step_tables) {
    if (auto step = parse_step(*step_table, context)) act.steps.push_back(std::move(*step));
  }
  act.where = reader.location();
  if (reader.has("step") && step_tables.empty() && context.error_count() == errors_before) {
    context.error(reader.location_of("step"), describe(act) + " has no steps");
  }
  check_unique_names(act, context);
  check_step_order(act, context);
  if (context.error_count() != errors_before) return std::nullopt;
  return act;
}

}  // namespace

// An addr-spec as people write it: local@domain.tld, printable ASCII, no spaces, no
// display name or angle brackets (those are built by the mailer, never taken from here).
bool is_plausible_address(std::string_view address) {
  const auto at = address.find('@');
  if (at == 0 || at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = address.substr(at + 1);
  const bool printable = std::ranges::all_of(address, [](char c) {
    return c > ' ' && c < 0x7F && c != '<' && c != '>' && c != ',' && c != ';' && c != '"';
  });
  return printable && domain.find('.') != std::string_view::npos && !domain.starts_with('.') &&
         !domain.ends_with('.');
}

RuleFile parse_rule_file(std::string_view text, std::string_view file, Diagnostics& errors) {
  ParseContext context(file, errors);
  RuleFile result;
  const auto root = parse_toml(text, context);
  if (!root) return result;
  TableReader reader(*root, "a rule file", k_file_keys, context);
  for (const toml::table* table : reader.tables("actor", Need::optional)) {
    if (auto actor = parse_actor(*table, context)) result.actors.push_back(std::move(*actor));
  }
  for (const toml::table* table : reader.tables("person", Need::optional)) {
    if (auto person = parse_person(*table, context)) result.people.push_back(std::move(*person));
  }
  const auto act_tables = reader.tables("act", Need::optional);
  result.acts.reserve(act_tables.size());
  for (const toml::table* table : act_tables) {
    if (auto act = parse_act(*table, context)) result.acts.push_back(std::move(*act));
  }
  return result;
}

}  // namespace scadenzario
