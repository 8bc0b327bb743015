// The rule model: who (actors, people) must do what (acts and their steps) by when
// (deadlines), plus the installation's configuration (calendar, mandates, reminder
// policy, proroghe). A RuleSet is a plain value: parsed whole, validated whole, and
// only then swapped in (a reload is all or nothing).
#pragma once

#include "core/calendar.hpp"
#include "core/civil_date.hpp"
#include "core/delivery_settings.hpp"
#include "core/diagnostic.hpp"
#include "core/due_spec.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace scadenzario {

// Reminder policy; unset fields inherit from the enclosing level (step <- act <- global).
struct ReminderPolicy {
  std::optional<std::vector<int>> lead_days;
  std::optional<int> escalate_after_days;
  std::optional<int> repeat_every_days;
  std::optional<int> escalate_further_after_days;
};

// The defaults of DESIGN.md: 30, 14, 7, 1, 0 days before; escalate 1 day late, every 7
// days, one level further after 15.
ReminderPolicy default_reminder_policy();

// A role of the cycle (Giunta, OIV, Segretario Generale, ...).
struct Actor {
  std::string id;
  std::string title;
  std::string escalate_to;  // an actor id, or empty
  std::vector<std::string> webhooks;  // names of [[webhook]]s that also receive its notifications
  SourceLocation where;
  SourceLocation escalate_to_where;
  std::vector<SourceLocation> webhooks_where;  // parallel to webhooks
};

// Someone who holds one or more roles and receives their reminders.
struct Person {
  std::string id;
  std::string name;
  std::string email;
  std::vector<std::string> roles;
  SourceLocation where;
  std::vector<SourceLocation> roles_where;  // parallel to roles
};

// One step of an act: an actor's action, due at an offset from the act's date.
struct Step {
  std::string id;      // stable key of the step within its act
  std::string actor;   // actor id
  std::string action;  // the seed's wording, e.g. "PREDISPONE"
  Offset offset;
  bool per_member = false;
  bool enabled = true;
  ReminderPolicy reminders;
  SourceLocation where;
  SourceLocation actor_where;
  SourceLocation offset_where;
};

// Which year an occurrence concerns, relative to the year of its due date.
enum class RefersTo { same_year, previous_year, next_year };

std::string_view to_string(RefersTo refers_to);

// One due date of an act. Acts with a single `due` have one unnamed deadline.
struct Deadline {
  std::string name;   // empty for the single deadline of an act
  std::string label;  // e.g. "verifica annuale"
  DueSpec due;
  RefersTo refers_to = RefersTo::same_year;
  SourceLocation where;
};

// A prerequisite act, optionally one of its deadlines ("report-direzionali:verifica-annuale").
struct Prerequisite {
  std::string act;
  std::string deadline;
  SourceLocation where;
};

struct Act {
  std::string id;
  std::string title;
  int phase = 0;  // 1..4
  std::string purpose;
  std::string legal_basis;
  std::string note;
  Recurrence every = Recurrence::year;
  std::vector<Deadline> deadlines;
  std::vector<Prerequisite> after;
  std::optional<int> valid_from;
  std::optional<int> valid_until;
  bool enabled = true;
  ReminderPolicy reminders;
  std::vector<Step> steps;
  SourceLocation where;
  SourceLocation every_where;
  SourceLocation valid_where;

  // True when the act exists in `year` (the year of an occurrence's legal due date).
  bool is_valid_in(int year) const {
    return (!valid_from || year >= *valid_from) && (!valid_until || year <= *valid_until);
  }
  const Deadline* find_deadline(std::string_view name) const;
  const Step* find_step(std::string_view step_id) const;
};

// A five-year mandate of the council.
struct Mandate {
  Date start;
  Date end;
};

// A proroga: one occurrence moved to a new date, for a reason.
struct Override {
  std::string act;
  std::string deadline;
  std::string period;  // occurrence period key: "2027", "2027-03", "mandato-2024"
  Date due;
  std::string reason;
  SourceLocation where;
  SourceLocation act_where;
  SourceLocation deadline_where;
  SourceLocation period_where;
};

// How the service delivers: e-mail to the local Maildir (the embedded default) or, with
// [smtp], to an SMTP server; and webhooks.
struct Delivery {
  std::string maildir = "/var/lib/scadenzario/Maildir";  // relative paths: to the config file
  std::string from_address = "scadenzario@localhost";
  std::string from_name = "Scadenzario";
  bool digest = true;  // one message per recipient and instant
  std::vector<std::string> webhooks;  // names of [[webhook]]s that receive every notification
  std::vector<SourceLocation> webhooks_where;  // parallel to webhooks
  std::optional<SmtpSettings> smtp;        // set: e-mail goes by SMTP, not to the Maildir
  std::vector<WebhookSettings> webhook_targets;  // every [[webhook]], in file order

  const WebhookSettings* find_webhook(std::string_view name) const;
};

struct Config {
  std::string name;
  std::string time_zone = "Europe/Rome";
  std::chrono::minutes send_at{9 * 60};
  std::string rules_dir = "rules.d";
  std::string actors_file;
  std::string state_db = "/var/lib/scadenzario/state.db";  // relative paths: to the config file
  // Occurrences due before this date predate the use of scadenzario: they count as
  // complete, so the first year's acts do not wait for records nobody made.
  std::optional<Date> tracked_from;
  CalendarConfig calendar;
  Delivery delivery;
  std::vector<Mandate> mandates;
  ReminderPolicy reminders = default_reminder_policy();
  std::vector<Override> overrides;
  SourceLocation where;
  SourceLocation time_zone_where;
  SourceLocation rules_dir_where;
  SourceLocation actors_file_where;
};

// Actors, people and acts as written in one file.
struct RuleFile {
  std::vector<Actor> actors;
  std::vector<Person> people;
  std::vector<Act> acts;
};

// Hashes std::string and std::string_view alike, so a map keyed by std::string can be
// searched with a view without building a string.
struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

struct RuleSet {
  Config config;
  std::vector<Actor> actors;
  std::vector<Person> people;
  std::vector<Act> acts;
  // Act id -> position in `acts`, kept by merge(). A hint: find_act() checks the entry
  // and falls back to a linear search, so acts added otherwise are still found.
  std::unordered_map<std::string, std::size_t, TransparentHash, std::equal_to<>> act_index;

  const Act* find_act(std::string_view id) const;
  const Actor* find_actor(std::string_view id) const;
  // Returns the actor's title, or its id when the actor is unknown.
  std::string_view actor_title(std::string_view id) const;
  // Returns the people holding role `actor_id`, in file order.
  std::vector<const Person*> members_of(std::string_view actor_id) const;
};

// Appends `file`'s contents to `rules`, in order.
void merge(RuleSet& rules, RuleFile file);

// Returns the default id of a step: its action in lower case ASCII letters and digits,
// any other run of characters as one '-' ("PRENDE ATTO DELL'OIV" -> "prende-atto-dell-oiv").
std::string step_id_from_action(std::string_view action);

}  // namespace scadenzario
