#include "cli/arguments.hpp"

#include "core/diagnostic.hpp"

#include <algorithm>
#include <array>

namespace scadenzario::cli {

const std::string_view k_usage = R"(Uso: scadenzario [--config FILE] [--state FILE] COMANDO [OPZIONI]

Scadenzario del ciclo di gestione della performance.

Regole e piano:
  check                       valida configurazione e regole; stampa un riepilogo
  plan [--year ANNO] [--format table|json|ics] [--diff CARTELLA_REGOLE]
                              il piano delle scadenze dell'anno; --diff mostra cosa
                              cambierebbe con le regole di un'altra cartella

Avanzamento (database di stato):
  done ATTO[:SCADENZA] PASSO --year ANNO|--period PERIODO [--member ID]
       --ref "Delibera di Giunta n. 12 del 28/01/2027" [--url URL] [--note TESTO]
       [--by NOME] [--force]
                              registra un passo come fatto (--force: anche se i passi
                              precedenti o gli atti prerequisiti sono aperti; annotato)
  waive ATTO[:SCADENZA] PASSO --year|--period ... --note MOTIVO [--member ID] [--by NOME]
                              registra un passo come non dovuto (esonerato)
  undo ATTO[:SCADENZA] PASSO --year|--period ... [--member ID] [--note MOTIVO] [--force]
                              annulla la registrazione di un passo (--force: anche se
                              passi successivi sono registrati; annotato)
  status [--year ANNO] [--format table|json]
                              per fase: fatti, da fare, in ritardo, bloccati
  upcoming [--days N] [--format table|json]
                              i passi in scadenza nei prossimi N giorni (30) e quelli in ritardo
  history ATTO [--format table|json]
                              ogni modifica registrata per l'atto
  backup FILE                 copia coerente del database (non sovrascrive)
  audit verify                verifica la catena di hash del registro delle modifiche
  simulate --from AAAA-MM-GG --to AAAA-MM-GG [--format table|json]
                              ogni promemoria e sollecito che il servizio invierebbe nel
                              periodo, con i destinatari; non invia e non scrive nulla
  audit export --format csv|json
                              il registro completo, per l'OIV o i revisori
Consegne del servizio:
  outbox [--dead] [--format table|json]
                              le notifiche in coda (con --dead: quelle non recapitabili,
                              abbandonate dopo errori permanenti o troppi tentativi)
  outbox retry CHIAVE         rimette in coda una notifica non recapitabile
  outbox retry --channel CANALE
                              rimette in coda ogni notifica non recapitabile del canale
                              (mail, webhook:NOME), corretto l'errore di configurazione
  send-test --channel mail|NOME [--to INDIRIZZO]
                              invia un messaggio di prova per il canale (e-mail, o il
                              [[webhook]] NOME) e stampa la risposta del server; senza
                              --to l'e-mail va al mittente configurato (from_address)

Opzioni comuni:
  --config FILE   configurazione (predefinito: $SCADENZARIO_CONFIG, altrimenti
                  /etc/scadenzario/scadenzario.toml)
  --state FILE    database di stato (predefinito: state_db della configurazione)
  --today DATA    valuta come se oggi fosse DATA (AAAA-MM-GG)
  --help, --version

Stato di uscita: 0 riuscito; 1 errore di esecuzione (database, disco); 2 configurazione,
regole o argomenti non validi; 3 operazione rifiutata (passi precedenti aperti, passo già
registrato, backup su un file esistente) o registro delle modifiche alterato.
)";

namespace {

struct CommandSpec {
  std::string_view name;
  std::size_t min_positional;
  std::size_t max_positional;
  std::vector<std::string_view> options;  // besides the common ones
};

const std::vector<std::string_view> k_step_options = {"--year", "--period", "--member", "--ref",
                                                      "--url",  "--note",   "--by",     "--force"};

const std::array<CommandSpec, 14> k_commands = {{
    {"simulate", 0, 0, {"--from", "--to", "--format"}},
    {"check", 0, 0, {"--year"}},
    {"plan", 0, 0, {"--year", "--format", "--diff"}},
    {"done", 2, 2, k_step_options},
    {"waive", 2, 2, k_step_options},
    {"undo", 2, 2, k_step_options},
    {"status", 0, 0, {"--year", "--format"}},
    {"upcoming", 0, 0, {"--days", "--format"}},
    {"history", 1, 1, {"--format"}},
    {"backup", 1, 1, {}},
    {"audit", 1, 1, {"--format"}},
    {"outbox", 0, 2, {"--dead", "--format", "--channel"}},
    {"send-test", 0, 0, {"--channel", "--to"}},
    {"help", 0, 0, {}},
}};

constexpr std::array<std::string_view, 3> k_common_options = {"--config", "--state", "--today"};
constexpr std::array<std::string_view, 2> k_flags = {"--force", "--dead"};

// Every option that some command takes.
std::vector<std::string_view> known_options() {
  std::vector<std::string_view> known(k_common_options.begin(), k_common_options.end());
  for (const CommandSpec& spec : k_commands) known.insert(known.end(), spec.options.begin(), spec.options.end());
  return known;
}

const CommandSpec* find_command(std::string_view name) {
  const auto it = std::ranges::find(k_commands, name, &CommandSpec::name);
  return it == k_commands.end() ? nullptr : &*it;
}

}  // namespace

std::optional<std::string> Arguments::get(std::string_view option) const {
  const auto it = options.find(std::string(option));
  return it == options.end() ? std::nullopt : std::optional{it->second};
}

std::variant<Arguments, UsageError> parse_arguments(const std::vector<std::string_view>& args) {
  Arguments parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") return Arguments{.command = "help"};
    if (arg == "--version") return Arguments{.command = "version"};
    if (!arg.starts_with("--")) {
      if (parsed.command.empty()) {
        parsed.command = arg;
      } else {
        parsed.positional.emplace_back(arg);
      }
      continue;
    }
    // An option no command takes is refused before it can swallow the next word as its
    // value (`--bogus check` is not "no command").
    if (const auto known = known_options(); std::ranges::find(known, arg) == known.end()) {
      const std::string_view best = closest_match(arg, known);
      return UsageError{"opzione sconosciuta " + std::string(arg) +
                        (best.empty() ? std::string() : " (forse " + std::string(best) + "?)")};
    }
    const bool flag = std::ranges::find(k_flags, arg) != k_flags.end();
    if (!flag && i + 1 >= args.size()) return UsageError{std::string(arg) + " richiede un valore"};
    if (parsed.options.contains(std::string(arg))) {
      return UsageError{"opzione ripetuta " + std::string(arg)};
    }
    parsed.options[std::string(arg)] = flag ? "" : std::string(args[++i]);
  }
  if (parsed.command.empty()) return UsageError{"manca il comando (per esempio check o plan)"};
  const CommandSpec* spec = find_command(parsed.command);
  if (!spec) return UsageError{"comando sconosciuto \"" + parsed.command + "\""};
  for (const auto& [option, value] : parsed.options) {
    const bool known = std::ranges::find(k_common_options, option) != k_common_options.end() ||
                       std::ranges::find(spec->options, option) != spec->options.end();
    if (!known) {
      return UsageError{"l'opzione " + option + " non vale per il comando " + parsed.command};
    }
  }
  if (parsed.positional.size() < spec->min_positional ||
      parsed.positional.size() > spec->max_positional) {
    return UsageError{"numero di argomenti errato per il comando " + parsed.command};
  }
  return parsed;
}

}  // namespace scadenzario::cli
