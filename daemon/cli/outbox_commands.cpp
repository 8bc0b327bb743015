// scadenzario outbox [--dead], outbox retry KEY: what the service still has to deliver,
// what it gave up on (dead letters), and putting a dead letter back in the queue.
#include "cli/command_context.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace scadenzario::cli {

namespace {

std::string_view status_it(std::string_view status) {
  if (status == "pending") return "in coda";
  if (status == "sent") return "inviato";
  if (status == "skipped") return "saltato";
  return "non recapitabile";
}

int list(store::Store& store, bool dead, const std::string& format) {
  auto all = store.outbox();
  if (!all) return fail(all.error());
  std::vector<store::OutboxEntry> entries;
  std::ranges::copy_if(*all, std::back_inserter(entries), [&](const store::OutboxEntry& e) {
    return e.status == (dead ? "dead" : "pending");
  });
  if (format == "json") {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const store::OutboxEntry& e : entries) {
      rows.push_back({{"key", e.key}, {"channel", e.channel}, {"status", e.status},
                      {"planned_at", e.planned_at}, {"late", e.late}, {"attempts", e.attempts},
                      {"next_attempt", e.next_attempt}, {"enqueued_at", e.enqueued_at},
                      {"finished_at", e.finished_at}, {"detail", e.detail}});
    }
    std::cout << rows.dump(2) << "\n";
    return k_exit_ok;
  }
  if (entries.empty()) {
    std::cout << (dead ? "Nessuna notifica non recapitabile.\n" : "Nessuna notifica in coda.\n");
    return k_exit_ok;
  }
  std::size_t key_width = 6;
  std::size_t channel_width = 6;
  for (const store::OutboxEntry& e : entries) {
    key_width = std::max(key_width, e.key.size());
    channel_width = std::max(channel_width, e.channel.size());
  }
  std::cout << fmt::format("{:<{}}  {:<{}}  {:<16}  {:>9}  {:<20}  {}\n", "CHIAVE", key_width,
                           "CANALE", channel_width, "PREVISTA", "TENTATIVI",
                           dead ? "ABBANDONATA" : "PROSSIMO TENTATIVO", "ULTIMO ESITO");
  for (const store::OutboxEntry& e : entries) {
    const std::string& when = dead ? e.finished_at : e.next_attempt;
    std::cout << fmt::format("{:<{}}  {:<{}}  {:<16}  {:>9}  {:<20}  {}\n", e.key, key_width,
                             e.channel, channel_width, e.planned_at, e.attempts,
                             when.empty() ? std::string("subito") : when, e.detail);
  }
  std::cout << fmt::format("{} notifiche {}.\n", entries.size(), status_it(dead ? "dead" : "pending"));
  return k_exit_ok;
}

}  // namespace

int run_outbox(CommandContext& context) {
  const auto& positional = context.args.positional;
  if (!positional.empty() && positional[0] != "retry") {
    return fail(k_exit_invalid, fmt::format("outbox {}: atteso retry CHIAVE, o nessun argomento",
                                            positional[0]));
  }
  if (positional.empty()) {
    const auto format = format_option(context, {"table", "json"});
    if (!format) return k_exit_invalid;
    auto opened = store::Store::open(context.state_path, store::Store::Access::read_only);
    if (!opened) return fail(opened.error());
    return list(*opened, context.args.has("--dead"), *format);
  }
  const auto channel = context.args.get("--channel");
  if (positional.size() != (channel ? 1u : 2u)) {
    return fail(k_exit_invalid, "outbox retry richiede la CHIAVE della notifica, oppure --channel CANALE");
  }
  if (context.args.has("--dead") || context.args.has("--format")) {
    return fail(k_exit_invalid, "outbox retry accetta solo --channel");
  }
  if (channel && channel->empty()) return fail(k_exit_invalid, "--channel: atteso mail o webhook:NOME");
  auto opened = store::Store::open(context.state_path, store::Store::Access::read_write);
  if (!opened) return fail(opened.error());
  opened->leave_log_on_close();
  const std::string what = channel ? "del canale " + *channel : std::string(positional[1]);
  auto retried = channel ? opened->retry_channel(*channel) : opened->retry(positional[1]);
  if (!retried) return fail(retried.error());
  if (*retried == 0) {
    return fail(k_exit_invalid,
                channel ? fmt::format("nessuna notifica non recapitabile sul canale \"{}\" "
                                      "(elenco: scadenzario outbox --dead)", *channel)
                        : fmt::format("nessuna notifica in coda o non recapitabile con chiave \"{}\" "
                                      "(elenco: scadenzario outbox --dead)", what));
  }
  std::cout << fmt::format("{} {} {} rimess{} in coda: {} al prossimo risveglio del servizio (subito con: "
                           "systemctl reload scadenzario).\n",
                           *retried, *retried == 1 ? "consegna" : "consegne", what,
                           *retried == 1 ? "a" : "e", *retried == 1 ? "parte" : "partono");
  return k_exit_ok;
}

}  // namespace scadenzario::cli
