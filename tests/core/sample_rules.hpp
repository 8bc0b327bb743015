// Sample rules shared by the message and routing tests.
#pragma once

#include <string>

namespace scadenzario::test {

// The Piano (due 31/01/2027, a Sunday: 29/01 after the shift) is prepared by the
// Segretario Generale 21 days before and approved by the Giunta; the dirigenti each
// analyse the Report direzionali; the OIV, which has nobody in it, validates the
// Relazione. The Segretario escalates to the Giunta, the dirigenti to the Segretario.
inline const std::string k_sample_rules = R"(
[[person]]
id = "rossi"
name = "Maria Rossi"
email = "segretario@cciaa.example.it"
roles = ["segretario_generale"]

[[person]]
id = "giunta"
name = "Segreteria della Giunta"
email = "giunta@cciaa.example.it"
roles = ["giunta"]

[[person]]
id = "anna"
name = "Anna Neri"
email = "anna.neri@cciaa.example.it"
roles = ["dirigenti"]

[[person]]
id = "bruno"
name = "Bruno Verdi"
email = "bruno.verdi@cciaa.example.it"
roles = ["dirigenti"]

[[act]]
id = "piano"
title = "Piano della performance"
phase = 1
purpose = "Documento programmatico triennale"
legal_basis = "D.Lgs. 150/2009, art. 10 c.1 lett. a"
due = "01-31"
  [[act.step]]
  actor = "segretario_generale"
  action = "PREDISPONE"
  due = "-21d"
  [[act.step]]
  actor = "giunta"
  action = "APPROVA"

[[act]]
id = "report"
title = "Report direzionali"
phase = 2
purpose = "Monitoraggio della performance organizzativa"
legal_basis = "SMVP"
  [[act.deadline]]
  name = "verifica-annuale"
  label = "verifica annuale"
  due = "04-30"
  refers_to = "previous-year"
  [[act.step]]
  actor = "dirigenti"
  action = "ANALIZZA"
  per_member = true

[[act]]
id = "relazione"
title = "Relazione sulla performance"
phase = 4
purpose = "Risultati dell'anno precedente"
legal_basis = "D.Lgs. 150/2009, art. 10 c.1 lett. b"
due = "06-30"
refers_to = "previous-year"
  [[act.step]]
  actor = "oiv"
  action = "VALIDA"

[[act]]
id = "aggiornamento"
title = "Aggiornamento costante"
phase = 2
purpose = "Dati di monitoraggio aggiornati"
legal_basis = "SMVP"
every = "month"
due = "last"
  [[act.step]]
  actor = "dirigenti"
  action = "AGGIORNA"
)";

}  // namespace scadenzario::test
