#include "core/message.hpp"

#include "core/message_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <tuple>

namespace scadenzario {

std::string fnv1a_hex(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a 64-bit offset basis
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;  // FNV 64-bit prime
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::string address_domain(std::string_view address) {
  const std::size_t at = address.rfind('@');
  std::string domain(at == std::string_view::npos || at + 1 == address.size() ? "scadenzario.invalid"
                                                                              : address.substr(at + 1));
  for (char& c : domain) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return domain;
}

BodyIdentity body_identity(const Config& config) {
  const std::string& sender = config.delivery.from_address;
  return BodyIdentity{.tag = fnv1a_hex(config.name + '\n' + sender).substr(0, 8), .domain = address_domain(sender)};
}

std::string step_uid(const BodyIdentity& body, std::string_view occurrence, std::string_view step) {
  return std::string(occurrence) + "/" + std::string(step) + "@" + body.tag + "." + body.domain;
}

std::string message_id(const BodyIdentity& body, std::vector<std::string> keys) {
  std::ranges::sort(keys);
  std::string joined = body.tag + '\n';
  for (const std::string& key : keys) joined += key + '\n';  // keys hold no line breaks
  return fnv1a_hex(joined);
}

namespace {

Address address_of(const Person& person) { return Address{person.name, person.email}; }

const Person* find_person(const RuleSet& rules, std::string_view id) {
  const auto it = std::ranges::find(rules.people, id, &Person::id);
  return it == rules.people.end() ? nullptr : &*it;
}

}  // namespace

std::vector<const Person*> recipients_of(const RuleSet& rules, const Notification& n) {
  if (!n.member.empty() && n.level == 0) {
    const Person* person = find_person(rules, n.member);
    return person ? std::vector{person} : std::vector<const Person*>{};
  }
  return rules.members_of(n.recipient);
}

namespace {

// The people copied on an escalation: whoever must do the late step.
std::vector<const Person*> copied_of(const RuleSet& rules, const Notification& n) {
  if (n.level == 0) return {};
  if (!n.member.empty()) {
    const Person* person = find_person(rules, n.member);
    return person ? std::vector{person} : std::vector<const Person*>{};
  }
  return rules.members_of(n.step->step->actor);
}

void add_unique(std::vector<Address>& list, const Person& person) {
  if (std::ranges::find(list, person.email, &Address::email) == list.end()) {
    list.push_back(address_of(person));
  }
}

MessageItem item_of(const RuleSet& rules, const BodyIdentity& body, const Notification& n) {
  const Occurrence& occurrence = *n.occurrence;
  const Step& step = *n.step->step;
  std::string act_title = occurrence.act->title;
  if (!occurrence.deadline->label.empty()) act_title += " — " + occurrence.deadline->label;
  return MessageItem{.key = n.key(),
                     .kind = n.kind,
                     .occurrence = occurrence.key(),
                     .act = occurrence.act->id,
                     .act_title = std::move(act_title),
                     .phase = occurrence.act->phase,
                     .deadline = occurrence.deadline->name,
                     .period = occurrence.period.key(),
                     .step = step.id,
                     .actor = step.actor,
                     .actor_title = std::string(rules.actor_title(step.actor)),
                     .action = step.action,
                     .member = n.member,
                     .recipient = n.recipient,
                     .level = n.level,
                     .due = n.step->due,
                     .days_left = n.days_left,
                     .late = n.late,
                     .legal_basis = occurrence.act->legal_basis,
                     .summary = step_summary_it(rules, n),
                     .uid = step_uid(body, occurrence.key(), step.id)};
}

// Builds the message of one group; nullopt when nobody is there to write to and people
// are needed.
std::optional<Message> compose(const RuleSet& rules, std::vector<const Notification*> items,
                               bool need_people) {
  std::ranges::stable_sort(items, {}, &Notification::days_left);
  Message message;
  for (const Notification* n : items) {
    message.keys.push_back(n->key());
    for (const Person* person : recipients_of(rules, *n)) add_unique(message.to, *person);
  }
  if (message.to.empty() && need_people) return std::nullopt;
  for (const Notification* n : items) {
    for (const Person* person : copied_of(rules, *n)) {
      if (std::ranges::find(message.to, person->email, &Address::email) == message.to.end()) {
        add_unique(message.cc, *person);
      }
    }
  }
  std::ranges::sort(message.keys);
  const BodyIdentity body = body_identity(rules.config);
  message.id = message_id(body, message.keys);
  message.subject = message_subject_it(rules, items);
  message.body = message_body_it(rules, items, !message.cc.empty());
  message.organization = rules.config.name;
  for (const Notification* n : items) message.items.push_back(item_of(rules, body, *n));
  return message;
}

// Splits `due` into the notifications of each message, in order of first appearance.
// A digest gathers what goes to the same people at the same instant: a dirigente's own
// reminder and the reminder of a role they alone hold make one message, not two.
std::vector<std::vector<const Notification*>> group(const RuleSet& rules,
                                                    const std::vector<Notification>& due,
                                                    bool digest) {
  std::vector<std::vector<const Notification*>> groups;
  std::map<std::tuple<std::vector<std::string>, LocalTime>, std::size_t> index;
  for (const Notification& n : due) {
    if (!digest) {
      groups.push_back({&n});
      continue;
    }
    std::vector<std::string> people;
    for (const Person* person : recipients_of(rules, n)) people.push_back(person->email);
    std::ranges::sort(people);
    const auto [it, added] = index.try_emplace(std::tuple(std::move(people), n.at), groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(&n);
  }
  return groups;
}

}  // namespace

std::vector<Message> compose_messages(const RuleSet& rules, const std::vector<Notification>& due,
                                      bool digest, std::vector<std::string>& undeliverable,
                                      bool need_people) {
  std::vector<Message> messages;
  for (const auto& items : group(rules, due, digest)) {
    if (auto message = compose(rules, items, need_people)) {
      messages.push_back(std::move(*message));
    } else {
      for (const Notification* n : items) undeliverable.push_back(n->key());
    }
  }
  return messages;
}

}  // namespace scadenzario
