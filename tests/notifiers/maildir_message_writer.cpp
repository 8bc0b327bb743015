// Test helper: delivers one Italian message through the Maildir channel into the
// Maildir given as argument and prints the file's path, for parse_message.py to read
// with an independent parser. The texts here are repeated there on purpose.
#include "notifiers/maildir_channel.hpp"

#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
  using namespace scadenzario;
  if (argc != 2) {
    std::cerr << "usage: maildir_message_writer MAILDIR\n";
    return 2;
  }
  const Message message{
      .id = "00c0ffee00c0ffee",
      .keys = {"piano-performance/2027/approva//escalation/1/giunta"},
      .to = {{"Niccolò Àlvarez", "niccolo.alvarez@cciaa.example.it"},
             {"Segreteria della Giunta", "giunta@cciaa.example.it"}},
      .cc = {{"È Rossi, Segretario Generale", "segretario@cciaa.example.it"}},
      .subject = "[Scadenzario] SOLLECITO — È in ritardo l'attività: Piano della performance, "
                 "APPROVA in ritardo di 3 giorni (inviato in ritardo)",
      .body = "Camera di commercio di Prova\n"
              "Ciclo di gestione della performance\n"
              "\n"
              "SOLLECITO: il passo è in ritardo di 3 giorni e non risulta compiuto.\n"
              "Finalità:       Documento programmatico triennale; una riga volutamente più lunga di "
              "settantasei colonne, con attività, È e = da codificare.\n"
              "Riga con spazio finale \n"
              "From inizio riga\n"
              ".\n"
              "-- \n"
              "Messaggio automatico di scadenzario.\n"};
  const std::filesystem::path maildir = argv[1];
  auto channel = notifiers::make_maildir_channel(maildir, Address{"Scadenzario — Camera di commercio",
                                                                  "scadenzario@cciaa.example.it"});
  const notifiers::DeliveryResult result = channel->deliver(message, 1801555200);  // 2027-02-02 08:00 UTC
  if (result.outcome != notifiers::DeliveryResult::Outcome::delivered) {
    std::cerr << result.detail << "\n";
    return 1;
  }
  std::cout << (maildir / "new" / (message.id + ".scadenzario")).string() << "\n";
  return 0;
}
