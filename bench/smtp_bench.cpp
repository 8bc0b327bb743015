// Delivers COUNT full MIME messages (Italian text, HTML, calendar attachment) to URL as
// the service delivers a batch: through a Courier (service/courier.hpp) on an Asio loop,
// with CONNECTIONS SMTP connections, each reused for the whole batch; prints the rate.
// Rendering each message is part of the measured work.
//
//   smtp_bench URL [COUNT=10000] [CONNECTIONS=1]
//   smtp_bench --size          prints the size in bytes of one rendered message
#include "notifiers/mime_message.hpp"
#include "notifiers/smtp_channel.hpp"
#include "service/courier.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace scadenzario;

Message bench_message(int index) {
  const std::string key = "piano-performance/2027/approva//reminder/" + std::to_string(index) + "/giunta";
  std::string body = "Camera di commercio di Esempio\nCiclo di gestione della performance\n\n";
  for (int line = 0; line < 30; ++line) body += "Promemoria: l'attività è in scadenza, la Giunta APPROVA entro il 29/01/2027.\n";
  return Message{
      .id = fnv1a_hex(key),
      .keys = {key},
      .to = {{"Segreteria della Giunta", "giunta@cciaa-esempio.example.it"}},
      .cc = {{"Maria Rossi", "maria.rossi@cciaa-esempio.example.it"}},
      .subject = "[Scadenzario] Piano della performance: APPROVA entro il 29/01/2027 (tra 2 giorni)",
      .body = body,
      .organization = "Camera di commercio di Esempio",
      .items = {MessageItem{.key = key, .occurrence = "piano-performance/2027", .act = "piano-performance",
                            .act_title = "Piano della performance", .phase = 1, .period = "2027",
                            .step = "approva", .actor = "giunta", .actor_title = "Giunta camerale",
                            .action = "APPROVA", .recipient = "giunta", .due = make_date(2027, 1, 29),
                            .days_left = 2, .legal_basis = "D.Lgs. 150/2009, art. 10",
                            .summary = "Piano della performance — Giunta camerale: APPROVA"}}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: smtp_bench URL [COUNT=10000]\n");
    return 2;
  }
  const Address from{"Scadenzario", "scadenzario@cciaa-esempio.example.it"};
  if (std::string(argv[1]) == "--size") {
    std::printf("%zu\n", notifiers::render_mime_message(bench_message(0), from, 1801555200)->size());
    return 0;
  }
  const int count = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int connections = argc > 3 ? std::atoi(argv[3]) : 1;
  if (count < 1 || connections < 1 || connections > k_max_smtp_connections) {
    std::fprintf(stderr, "smtp_bench: COUNT >= 1, CONNECTIONS in 1..%d\n", k_max_smtp_connections);
    return 2;
  }
  std::vector<std::unique_ptr<notifiers::Channel>> channels;
  for (int i = 0; i < connections; ++i) {
    channels.push_back(notifiers::make_smtp_channel(notifiers::SmtpChannelOptions{
        .url = notifiers::smtp_url_with_ehlo(argv[1], "bench.example.it"),
        .security = SmtpSecurity::none,
        .from = from,
        .envelope_from = "scadenzario@cciaa-esempio.example.it"}));
  }
  boost::asio::io_context io;
  int done = 0;
  int failed = 0;
  service::Courier courier(
      io.get_executor(), std::move(channels), std::chrono::seconds{5},
      service::Courier::Hooks{
          .check = [](const service::Courier::Parcel&) { return true; },
          .report = [&](service::Courier&, service::Courier::Parcel, const notifiers::DeliveryResult& result) {
            ++done;
            if (result.outcome != notifiers::DeliveryResult::Outcome::delivered && failed++ == 0) {
              std::fprintf(stderr, "smtp_bench: %s\n", result.detail.c_str());
            }
          },
          .now = [] { return std::time_t{1801555200}; }});
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) courier.send({.message = bench_message(i)});
  io.run();  // until the last result is back
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("scadenzario: %d messages (%d failed) over %d connection%s in %.2f s: %.0f messages/s\n", done,
              failed, connections, connections == 1 ? "" : "s", seconds, done / seconds);
  return failed == 0 && done == count ? 0 : 1;
}
