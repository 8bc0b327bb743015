// A message: what one delivery carries to people — the Italian text of one or more
// notifications (reminders, escalations), with its recipients and a stable id. Pure:
// composed from the rule set and the notifications; channels (Maildir, e-mail,
// webhook) render and deliver it.
//
// Recipients: a per-member notification at level 0 goes to that member; any other goes
// to every person of the role it names. An escalation copies (Cc) whoever must do the
// late step: the member for per-member steps, else the people of the step's actor.
#pragma once

#include "core/planner.hpp"
#include "core/rule_set.hpp"

#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario {

struct Address {
  std::string name;   // display name, UTF-8; may be empty
  std::string email;  // addr-spec

  friend bool operator==(const Address&, const Address&) = default;
};

// One notification of a message as plain data, for the channels that render more than
// the text: the calendar attachment of an e-mail, the JSON of a webhook.
struct MessageItem {
  std::string key;  // Notification::key()
  NotificationKind kind = NotificationKind::reminder;
  std::string occurrence;  // Occurrence::key(): "piano-performance/2027"
  std::string act;         // act id
  std::string act_title;   // with the deadline's label: "Report direzionali — verifica annuale"
  int phase = 0;
  std::string deadline;  // deadline name; empty for an act with a single due date
  std::string period;    // "2027", "2027-03", "mandato-2024"
  std::string step;      // step id
  std::string actor;     // the step's role id
  std::string actor_title;
  std::string action;     // "APPROVA"
  std::string member;     // person id for per-member steps, else ""
  std::string recipient;  // the role (or person, for per-member steps) it is written to
  int level = 0;          // 0: the step's actor; 1, 2: escalation levels
  Date due;               // the step's due date
  int days_left = 0;      // negative when late
  bool late = false;      // sent after its time (catch-up)
  std::string legal_basis;
  std::string summary;  // one line, e.g. "Piano della performance — Giunta camerale: APPROVA"
  std::string uid;      // step_uid(): the step's calendar event, whoever it is written to

  friend bool operator==(const MessageItem&, const MessageItem&) = default;
};

struct Message {
  std::string id;                 // message_id(): Message-ID local part, webhook-id, Maildir name
  std::vector<std::string> keys;  // the notification keys it carries, sorted
  std::vector<Address> to;
  std::vector<Address> cc;
  std::string subject;  // UTF-8, one line
  std::string body;     // UTF-8 plain text, '\n' line ends, lines under 78 columns
  std::string organization;        // the body's name (Config::name); may be empty
  std::vector<MessageItem> items;  // one per key, most urgent first; may be empty (a test)
};

// Returns the 64-bit FNV-1a hash of `text` as 16 lower-case hex digits.
std::string fnv1a_hex(std::string_view text);

// What sets one body's identifiers apart from those of every other body using the same
// rules: an OIV member or a Segretario serving two Camere must get both reminders, and
// both calendar events, and a shared webhook receiver must not drop the second body's
// notification as a duplicate. Stable across restarts and retries: made of the
// configuration, never of the clock or of chance.
struct BodyIdentity {
  std::string tag;     // 8 hex digits of the FNV-1a hash of the body's name and sender
  std::string domain;  // of the sender address (from_address); "scadenzario.invalid" if none
};

BodyIdentity body_identity(const Config& config);

// Returns the domain of an e-mail address, lower case; "scadenzario.invalid" when it has
// none (the right side of a Message-ID must be a domain).
std::string address_domain(std::string_view address);

// Returns the .ics UID of a step: "piano-performance/2027/approva@TAG.DOMAIN". The same
// in the plan and in every message (a member's own step included), so that importing
// both updates one event.
std::string step_uid(const BodyIdentity& body, std::string_view occurrence, std::string_view step);

// Returns the id of a message of `body` carrying `keys`: a hash of the body's tag and
// the sorted keys, so that the same notifications give the same id whatever their
// order, and a retry of a message is recognised. Two distinct sets of keys share an id
// with probability about n^2 / 2^65 for n messages (3e-8 for a million).
std::string message_id(const BodyIdentity& body, std::vector<std::string> keys);

// Returns the messages that deliver `due`: with `digest`, one per set of people and instant
// listing its steps most urgent first (fewest days left); otherwise one per
// notification. Messages come in the order of their first notification in `due`.
// With `need_people` (e-mail), the keys of notifications whose recipient has no people
// (nobody to write to) are appended to `undeliverable`, and no message carries them;
// without it (webhooks) such messages go out with an empty To.
std::vector<Message> compose_messages(const RuleSet& rules, const std::vector<Notification>& due,
                                      bool digest, std::vector<std::string>& undeliverable,
                                      bool need_people = true);

// The people a notification is written to: the member for their own step, else the
// people holding the role it names.
std::vector<const Person*> recipients_of(const RuleSet& rules, const Notification& n);

}  // namespace scadenzario
