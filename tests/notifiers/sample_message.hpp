// The Italian message that the test drivers deliver through a channel (Maildir, SMTP)
// for message_checks.py to read with independent parsers. Its texts are repeated there
// on purpose: the two sides must agree byte for byte.
#pragma once

#include "core/message.hpp"

#include <ctime>

namespace scadenzario::test {

constexpr std::time_t k_sample_now = 1801555200;  // 2027-02-02 08:00 UTC

inline Address sample_from() {
  return Address{"Scadenzario — Camera di commercio", "scadenzario@cciaa.example.it"};
}

inline MessageItem sample_item() {
  return MessageItem{.key = "piano-performance/2027/approva//escalation/1/giunta",
                     .kind = NotificationKind::escalation,
                     .occurrence = "piano-performance/2027",
                     .act = "piano-performance",
                     .act_title = "Piano della performance",
                     .phase = 1,
                     .period = "2027",
                     .step = "approva",
                     .actor = "giunta",
                     .actor_title = "Giunta camerale",
                     .action = "APPROVA",
                     .recipient = "presidente",
                     .level = 1,
                     .due = make_date(2027, 1, 29),
                     .days_left = -3,
                     .legal_basis = "D.Lgs. 150/2009, art. 10 c.1 lett. a",
                     .summary = "Piano della performance — Giunta camerale: APPROVA <è>",
                     .uid = "piano-performance/2027/approva@0badc0de.cciaa.example.it"};
}

// `id` distinguishes messages of one run (16 hex digits in production).
inline Message sample_message(std::string id = "00c0ffee00c0ffee") {
  return Message{
      .id = std::move(id),
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
              "<b>non è HTML</b> & co.\n"
              "-- \n"
              "Messaggio automatico di scadenzario.\n",
      .organization = "Camera di commercio di Prova",
      .items = {sample_item()}};
}

}  // namespace scadenzario::test
