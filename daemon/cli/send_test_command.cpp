// scadenzario send-test --channel NAME [--to ADDRESS]: one real message through one of
// the configured channels, so that an administrator checks the SMTP server, its password
// and the webhooks before the service depends on them. Prints what the peer answered.
#include "cli/command_context.hpp"
#include "core/diagnostic.hpp"
#include "core/routing.hpp"
#include "core/rule_parser.hpp"
#include "notifiers/channel_factory.hpp"

#include <fmt/format.h>

#include <iostream>

namespace scadenzario::cli {

namespace {

std::string_view outcome_it(notifiers::DeliveryResult::Outcome outcome) {
  using Outcome = notifiers::DeliveryResult::Outcome;
  return outcome == Outcome::transient ? "errore temporaneo (il servizio riproverebbe)"
                                       : "errore permanente (il servizio rinuncerebbe)";
}

// Returns the channel called `name` ("mail", "NAME" or "webhook:NAME"), or nullptr after
// saying which names exist.
notifiers::Channel* find_channel(const notifiers::Channels& channels, std::string_view name) {
  const std::string full = name == k_mail_channel || name.starts_with("webhook:") ? std::string(name)
                                                                                  : webhook_channel(name);
  if (const auto it = channels.find(full); it != channels.end()) return it->second.front().get();
  std::vector<std::string_view> names;
  for (const auto& [known_name, connections] : channels) {
    names.push_back(known_name.starts_with("webhook:") ? std::string_view(known_name).substr(8) : known_name);
  }
  std::string known;
  for (std::string_view known_name : names) known += (known.empty() ? "" : ", ") + std::string(known_name);
  const std::string_view bare = name.starts_with("webhook:") ? name.substr(8) : name;
  const std::string_view best = closest_match(bare, names);
  fail(k_exit_invalid, fmt::format("canale sconosciuto \"{}\"{} (canali configurati: {})", name,
                                   best.empty() ? "" : fmt::format(" (forse \"{}\"?)", best), known));
  return nullptr;
}

}  // namespace

int run_send_test(CommandContext& context) {
  const auto name = context.args.get("--channel");
  if (!name) {
    return fail(k_exit_invalid, "send-test richiede --channel mail oppure --channel NOME di un [[webhook]]");
  }
  const auto to = context.args.get("--to");
  if (to && *name != k_mail_channel) return fail(k_exit_invalid, "--to vale solo con --channel mail");
  if (to && !is_plausible_address(*to)) {
    return fail(k_exit_invalid, fmt::format("indirizzo non valido per --to: \"{}\" (atteso nome@dominio)", *to));
  }
  auto channels = notifiers::make_channels(context.rules.config,
                                           notifiers::process_environment(context.config_path));
  if (!channels) {
    for (const std::string& error : channels.error()) fail(k_exit_invalid, error);
    return k_exit_invalid;
  }
  notifiers::Channel* channel = find_channel(*channels, *name);
  if (!channel) return k_exit_invalid;

  // Without --to the message goes to the body's own sender address, which someone reads.
  const Delivery& delivery = context.rules.config.delivery;
  const Address recipient = to ? Address{.name = "", .email = *to}
                               : Address{.name = delivery.from_name, .email = delivery.from_address};
  const Message message = notifiers::make_test_message(context.rules.config, {recipient}, context.instant);
  const notifiers::DeliveryResult result = channel->deliver(message, context.instant);
  channel->end_batch();
  const std::string where = *name == k_mail_channel ? fmt::format("{} a {}", channel->name(), recipient.email)
                                                    : std::string(channel->name()) + " " + *name;
  if (result.outcome == notifiers::DeliveryResult::Outcome::delivered) {
    std::cout << fmt::format("Messaggio di prova consegnato ({}).\nRisposta: {}\n", where, result.detail);
    return k_exit_ok;
  }
  std::cout << fmt::format("Messaggio di prova NON consegnato ({}): {}.\nRisposta: {}\n", where,
                           outcome_it(result.outcome), result.detail);
  return k_exit_failure;
}

}  // namespace scadenzario::cli
