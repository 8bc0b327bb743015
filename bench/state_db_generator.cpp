// A state database of realistic size for the command benchmark (state_bench.sh): the
// default rules' occurrences over 10 years for the body itself and for 59 synthetic
// bodies, every step recorded up to "today", with a churned, hash-chained audit log.
//
//   ./build/bench/state_db_generator OUT.db [--bodies 60] [--from 2018] [--to 2027]
//       [--today 2027-06-15] [--audit-rows 1000000] [--api-tail 100]
//       [--pending FILE] [--pending-max 400] [--config rules/scadenzario.toml]
//
// A single body's database cannot hold 60 bodies, so it holds 60 bodies' worth of
// history: body 0 is the body of the configuration (occurrence keys as the commands
// write them, "piano-performance/2027"); bodies 1..N-1 are synthetic, with every
// occurrence key and act id prefixed "bNN/" ("b07/piano-performance/2027"), so the
// commands' queries meet a large table and must go through its indexes.
//
// Steps due on or before --today are recorded (about 3% waived, the rest done); in the
// six weeks before --today one occurrence in five stops at a step left open (late);
// later steps are pending. Each recorded step has a done/undone churn before its final
// record (geometric, sized so the audit log reaches --audit-rows), all in time order.
//
// How it writes: Store::open creates the file and its schema (the real migrations).
// One audit row per Store::apply (its own transaction and fsync) would take hours for a
// million rows, and Store has no batch API, so all but the last --api-tail changes go
// through a raw SQLite connection into the same schema in one transaction, with the
// chain computed by store::audit_row_hash; the last --api-tail changes then go through
// Store::apply, continuing the chain, and Store::verify_audit must pass.
//
// --pending FILE writes pending steps of body 0 as `done` arguments, one per line, in an
// order in which each can be recorded without --force once those before it are.
#include "config/rule_loader.hpp"
#include "core/progress.hpp"
#include "core/schedule.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace scadenzario;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  fs::path out;
  int bodies = 60;
  int from = 2018;
  int to = 2027;
  Date today = make_date(2027, 6, 15);
  std::int64_t audit_rows = 1'000'000;
  std::size_t api_tail = 100;
  fs::path pending;
  std::size_t pending_max = 400;
  fs::path config = fs::path(SCADENZARIO_SOURCE_DIR) / "rules" / "scadenzario.toml";
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "state_db_generator: %s\n"
               "usage: state_db_generator OUT.db [--bodies 60] [--from 2018] [--to 2027]\n"
               "         [--today 2027-06-15] [--audit-rows 1000000] [--api-tail 100]\n"
               "         [--pending FILE] [--pending-max 400] [--config rules/scadenzario.toml]\n"
               "  --bodies 0 writes an empty database (schema only).\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (arg == "--bodies") options.bodies = std::atoi(value().c_str());
    else if (arg == "--from") options.from = std::atoi(value().c_str());
    else if (arg == "--to") options.to = std::atoi(value().c_str());
    else if (arg == "--audit-rows") options.audit_rows = std::atoll(value().c_str());
    else if (arg == "--api-tail") options.api_tail = static_cast<std::size_t>(std::atoll(value().c_str()));
    else if (arg == "--pending") options.pending = value();
    else if (arg == "--pending-max") options.pending_max = static_cast<std::size_t>(std::atoll(value().c_str()));
    else if (arg == "--config") options.config = value();
    else if (arg == "--today") {
      const auto date = parse_iso_date(value());
      if (!date) usage("--today wants YYYY-MM-DD");
      options.today = *date;
    } else if (!arg.starts_with("--") && options.out.empty()) options.out = arg;
    else usage(("unknown argument " + std::string(arg)).c_str());
  }
  if (options.out.empty()) usage("missing OUT.db");
  if (options.bodies < 0 || options.bodies > 999 || options.from > options.to) usage("bad range");
  return options;
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "state_db_generator: %s\n", message.c_str());
  std::exit(1);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Seconds since the epoch, UTC, of midnight of `date`.
std::int64_t epoch_seconds(Date date) {
  return std::int64_t{std::chrono::sys_days(date).time_since_epoch().count()} * 86'400;
}

std::string iso_instant(std::int64_t t) {
  const std::time_t time = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string italian_date(std::int64_t t) {
  const std::time_t time = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%d/%m/%Y", &tm);
  return text;
}

// One step (and member) of one occurrence of one body that ends up recorded.
struct Item {
  std::uint32_t occurrence = 0;  // index into the schedule
  std::uint16_t step = 0;        // index into the occurrence's steps
  std::uint16_t member = 0;      // index into the step's members
  std::uint16_t body = 0;        // 0: the body itself
  bool waived = false;           // final record: waived rather than done
  bool forced = false;           // final record made with --force
};

enum class Kind : std::uint8_t { done, waived, undone };

struct Event {
  std::int64_t at = 0;  // seconds since the epoch, UTC
  std::uint32_t item = 0;
  Kind kind = Kind::done;
};

// Everything of the schedule the generator needs, shared by every body.
struct Model {
  const RuleSet* rules = nullptr;
  const Calendar* calendar = nullptr;
  std::vector<Occurrence> schedule;
  std::vector<std::string> keys;  // occurrence keys, parallel to schedule
  // staff[body]: the member ids of each role that has per-member steps.
  std::vector<std::map<std::string, std::vector<std::string>, std::less<>>> staff;
  std::map<std::string, std::string, std::less<>> names;  // person id -> name

  // The ids a step's state is kept for in `body`: its role's members, or one shared "".
  const std::vector<std::string>& members(std::size_t body, const Step& step) const {
    static const std::vector<std::string> shared{""};
    if (!step.per_member) return shared;
    const auto found = staff[body].find(step.actor);
    return found == staff[body].end() || found->second.empty() ? shared : found->second;
  }
};

std::string body_prefix(int body) {
  if (body == 0) return {};
  char text[8];
  std::snprintf(text, sizeof text, "b%02d/", body);
  return text;
}

std::string_view reference_kind(std::string_view actor) {
  if (actor == "giunta") return "Delibera di Giunta";
  if (actor == "consiglio") return "Delibera di Consiglio";
  if (actor == "segretario_generale") return "Determinazione del Segretario Generale";
  if (actor == "oiv") return "Verbale OIV";
  if (actor == "collegio_revisori") return "Verbale del Collegio dei revisori";
  if (actor == "presidente") return "Decreto del Presidente";
  if (actor == "dirigenti") return "Determinazione dirigenziale";
  return "Prot.";
}

// Staff of each body for the roles with per-member steps. Body 0 has the people of the
// actors file. Synthetic bodies range from small to large chambers: 3-9 dirigenti and
// 4-16 posizioni organizzative (the actors file's people first, then "dirigenti-04"...);
// any other per-member role keeps the actors file's size.
void build_staff(Model& model, const RuleSet& rules, int bodies) {
  std::set<std::string> roles;
  for (const Act& act : rules.acts) {
    for (const Step& step : act.steps) {
      if (step.per_member) roles.insert(step.actor);
    }
  }
  std::mt19937_64 random(60);
  model.staff.resize(static_cast<std::size_t>(std::max(bodies, 1)));
  for (std::size_t body = 0; body < model.staff.size(); ++body) {
    for (const std::string& role : roles) {
      std::vector<std::string> ids;
      for (const Person* person : rules.members_of(role)) ids.push_back(person->id);
      if (body > 0 && !ids.empty()) {
        std::size_t size = ids.size();
        if (role == "dirigenti") size = std::uniform_int_distribution<std::size_t>(3, 9)(random);
        if (role == "posizioni_organizzative") size = std::uniform_int_distribution<std::size_t>(4, 16)(random);
        ids.resize(std::min(ids.size(), size));
        for (std::size_t n = ids.size() + 1; ids.size() < size; ++n) {
          char id[64];
          std::snprintf(id, sizeof id, "%s-%02zu", role.c_str(), n);
          ids.emplace_back(id);
          model.names.emplace(id, std::string(rules.actor_title(role)) + " n. " + std::to_string(n));
        }
      }
      model.staff[body].emplace(role, std::move(ids));
    }
  }
}

// The change an event records, with every field as the command line would fill it.
store::StepChange change_of(const Model& model, const Item& item, const Event& event) {
  const Occurrence& occurrence = model.schedule[item.occurrence];
  const Step& step = *occurrence.steps[item.step].step;
  const std::string& member = model.members(item.body, step)[item.member];
  const std::string prefix = body_prefix(item.body);
  // Who types the command: the member, else the first holder of the role, else the
  // planning office; the secretariat records the acts of the collegial bodies.
  std::string author = "erinaldi";
  if (!member.empty()) {
    author = member;
  } else if (step.actor == "giunta" || step.actor == "consiglio") {
    author = "lgreco";
  } else if (const auto holders = model.rules->members_of(step.actor); !holders.empty()) {
    author = holders.front()->id;
  }
  const auto name = model.names.find(author);
  const std::string who = name == model.names.end() ? author : name->second;
  const std::uint64_t mix = static_cast<std::uint64_t>(event.at) * 2654435761u + event.item;
  store::StepChange change{.kind = event.kind == Kind::done     ? store::ChangeKind::done
                                   : event.kind == Kind::waived ? store::ChangeKind::waived
                                                                : store::ChangeKind::undone,
                           .key = {prefix + model.keys[item.occurrence], step.id, member},
                           .act = prefix + occurrence.act->id,
                           .author = author,
                           .at = iso_instant(event.at),
                           .done_by = who};
  switch (event.kind) {
    case Kind::done: {
      const int number = 1 + static_cast<int>(mix % 240);
      change.reference = std::string(reference_kind(step.actor)) + " n. " + std::to_string(number) +
                         " del " + italian_date(event.at);
      if (mix % 3 != 0) {
        change.document_url = "https://albo.cciaa-esempio.example.it/" + prefix + "atti/" +
                              change.at.substr(0, 4) + "/" + std::to_string(number) + ".pdf";
      }
      if (mix % 11 == 0) change.note = "Trasmesso all'OIV e pubblicato in Amministrazione trasparente";
      change.forced = item.forced;
      break;
    }
    case Kind::waived:
      change.note = "Non dovuto: nessuna variazione rispetto al documento dell'anno precedente";
      break;
    case Kind::undone:
      if (mix % 2 == 0) change.note = "Registrato per errore sulla scadenza sbagliata";
      break;
  }
  return change;
}

store::AuditRow audit_row_of(const store::StepChange& change, std::int64_t seq, const std::string& prev) {
  return store::AuditRow{.seq = seq,
                         .at = change.at,
                         .author = change.author,
                         .action = std::string(store::to_string(change.kind)),
                         .act = change.act,
                         .occurrence = change.key.occurrence,
                         .step = change.key.step,
                         .member = change.key.member,
                         .done_by = change.done_by,
                         .reference = change.reference,
                         .document_url = change.document_url,
                         .note = change.note,
                         .forced = change.forced,
                         .prev_hash = prev};
}

// Raw SQLite helpers: the bulk load bypasses Store on purpose (see the file comment).
void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "?";
    sqlite3_free(error);
    die(std::string(sql) + ": " + message);
  }
}

store::Statement prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    die(std::string(sql) + ": " + sqlite3_errmsg(db));
  }
  return store::Statement(raw);
}

void run(sqlite3* db, store::Statement& statement) {
  if (statement.step() != SQLITE_DONE) die(std::string("insert: ") + sqlite3_errmsg(db));
  statement.reset();
}

std::int64_t count_rows(sqlite3* db, const char* table) {
  auto statement = prepare(db, (std::string("SELECT count(*) FROM ") + table).c_str());
  if (statement.step() != SQLITE_ROW) die(sqlite3_errmsg(db));
  return statement.integer(0);
}

// Decides which steps of which bodies end recorded, and the events leading there.
struct History {
  std::vector<Item> items;
  std::vector<Event> events;  // sorted by time
  std::size_t open_late = 0;  // due on or before today but left open
  std::size_t pending = 0;    // due after today
};

History build_history(const Model& model, const Options& options) {
  History history;
  std::mt19937_64 random(20270615);
  const Date today = options.today;
  const Date late_from = add_days(today, -42);
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  // Recorded steps first: their number sizes the churn.
  for (int body = 0; body < options.bodies; ++body) {
    for (std::uint32_t o = 0; o < model.schedule.size(); ++o) {
      const Occurrence& occurrence = model.schedule[o];
      std::size_t cut = occurrence.steps.size();  // steps from `cut` on stay open
      for (std::size_t s = 0; s < occurrence.steps.size(); ++s) {
        if (occurrence.steps[s].due > today) { cut = std::min(cut, s); break; }
      }
      for (std::size_t s = 0; s < cut; ++s) {
        const Date due = occurrence.steps[s].due;
        if (due >= late_from && due <= today && chance(random) < 0.2) { cut = s; break; }
      }
      for (std::size_t s = 0; s < occurrence.steps.size(); ++s) {
        const std::size_t count = model.members(static_cast<std::size_t>(body), *occurrence.steps[s].step).size();
        if (s >= cut) {
          (occurrence.steps[s].due > today ? history.pending : history.open_late) += count;
          continue;
        }
        for (std::size_t m = 0; m < count; ++m) {
          history.items.push_back(Item{.occurrence = o,
                                       .step = static_cast<std::uint16_t>(s),
                                       .member = static_cast<std::uint16_t>(m),
                                       .body = static_cast<std::uint16_t>(body),
                                       .waived = chance(random) < 0.03,
                                       .forced = chance(random) < 0.01});
        }
      }
    }
  }
  const double extra = static_cast<double>(options.audit_rows) - static_cast<double>(history.items.size());
  const double mean_pairs = history.items.empty() ? 0.0 : std::max(0.0, extra / 2.0 / static_cast<double>(history.items.size()));
  std::geometric_distribution<int> pairs(1.0 / (mean_pairs + 1.0));
  std::uniform_int_distribution<int> days_early(0, 14), hour(8, 17), minute(0, 59);
  std::uniform_int_distribution<std::int64_t> gap(600, 5 * 86'400);
  history.events.reserve(static_cast<std::size_t>(std::max<std::int64_t>(options.audit_rows, 0)) + 1024);
  std::vector<std::int64_t> times;
  for (std::uint32_t i = 0; i < history.items.size(); ++i) {
    const Item& item = history.items[i];
    const Date due = model.schedule[item.occurrence].steps[item.step].due;
    Date day = add_days(due, -days_early(random));  // recorded on a working day
    for (int back = 0; back < 7 && !model.calendar->is_business_day(day); ++back) day = add_days(day, -1);
    const std::int64_t final_at = epoch_seconds(day) +
                                  hour(random) * 3600 + minute(random) * 60 + item.member;
    const int churn = mean_pairs > 0 ? pairs(random) : 0;
    times.assign(static_cast<std::size_t>(2 * churn + 1), final_at);
    for (std::size_t j = times.size() - 1; j-- > 0;) times[j] = times[j + 1] - gap(random);
    for (std::size_t j = 0; j < times.size(); ++j) {
      const bool last = j + 1 == times.size();
      const Kind kind = last ? (item.waived ? Kind::waived : Kind::done) : (j % 2 == 0 ? Kind::done : Kind::undone);
      history.events.push_back({times[j], i, kind});
    }
  }
  // Time order; an item's own events are strictly increasing, so a stable sort keeps them.
  std::ranges::stable_sort(history.events, {}, &Event::at);
  return history;
}

// Writes the pending steps of body 0 as `done` arguments, in an order that needs no --force.
std::size_t write_pending(const RuleSet& rules, const Calendar& calendar,
                          store::Store& store, const Options& options) {
  const auto candidates_schedule =
      expand_schedule(rules, calendar, add_days(options.today, -366), make_date(options.to + 1, 12, 31));
  std::vector<std::vector<Occurrence>> prerequisites;
  std::vector<std::string> keys;
  for (const Occurrence& occurrence : candidates_schedule) {
    keys.push_back(occurrence.key());
    prerequisites.push_back(prerequisites_of(rules, calendar, occurrence));
    for (const Occurrence& prerequisite : prerequisites.back()) keys.push_back(prerequisite.key());
  }
  std::ranges::sort(keys);
  keys.erase(std::ranges::unique(keys).begin(), keys.end());
  auto recorded = store.records(keys);
  if (!recorded) die(recorded.error().message);
  std::vector<StepRecord> records = std::move(*recorded);

  struct Candidate {
    std::size_t occurrence;
    std::size_t step;
    std::string member;
    Date due;
  };
  std::vector<Candidate> open;
  {
    const StepStates states(records);
    for (std::size_t o = 0; o < candidates_schedule.size(); ++o) {
      const Occurrence& occurrence = candidates_schedule[o];
      const std::string key = occurrence.key();
      for (std::size_t s = 0; s < occurrence.steps.size(); ++s) {
        for (const std::string& member : members_of_step(rules, *occurrence.steps[s].step)) {
          if (!states.find(key, occurrence.steps[s].step->id, member)) {
            open.push_back({o, s, member, occurrence.steps[s].due});
          }
        }
      }
    }
  }
  std::ranges::stable_sort(open, {}, &Candidate::due);
  // Passes: a pass takes every step whose requirements the records before it meet, so
  // the steps of one pass never depend on each other and any order among them works.
  std::vector<std::string> lines;
  std::vector<bool> taken(open.size(), false);
  for (bool progress = true; progress && lines.size() < options.pending_max;) {
    progress = false;
    const StepStates states(records);
    for (std::size_t c = 0; c < open.size() && lines.size() < options.pending_max; ++c) {
      if (taken[c]) continue;
      const Occurrence& occurrence = candidates_schedule[open[c].occurrence];
      if (!open_requirements(rules, occurrence, open[c].step, prerequisites[open[c].occurrence], states).empty()) {
        continue;
      }
      const Step& step = *occurrence.steps[open[c].step].step;
      std::string line = occurrence.act->id;
      if (!occurrence.deadline->name.empty()) line += ":" + occurrence.deadline->name;
      line += " " + step.id;
      line += occurrence.period.kind == Recurrence::year ? " --year " : " --period ";
      line += occurrence.period.key();
      if (!open[c].member.empty()) line += " --member " + open[c].member;
      lines.push_back(std::move(line));
      records.push_back(StepRecord{.key = {occurrence.key(), step.id, open[c].member},
                                   .act = occurrence.act->id});
      taken[c] = true;
      progress = true;
    }
  }
  std::ofstream out(options.pending);
  for (const std::string& line : lines) out << line << '\n';
  if (!out) die("cannot write " + options.pending.string());
  return lines.size();
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const auto started = Clock::now();
  auto loaded = load_rule_set(options.config);
  if (!loaded) {
    for (const auto& error : loaded.error()) std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 1;
  }
  const RuleSet rules = *std::move(loaded);
  const Calendar calendar(rules.config.calendar);

  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(options.out.string() + suffix, ec);

  Model model{.rules = &rules, .calendar = &calendar};
  model.schedule = expand_schedule(rules, calendar, make_date(options.from, 1, 1), make_date(options.to, 12, 31));
  for (const Occurrence& occurrence : model.schedule) model.keys.push_back(occurrence.key());
  for (const Person& person : rules.people) model.names.emplace(person.id, person.name);
  build_staff(model, rules, options.bodies);

  const History history = build_history(model, options);
  const std::size_t api_tail = std::min(options.api_tail, history.events.size());
  const std::size_t bulk = history.events.size() - api_tail;

  // 1. The file and its schema, through the real migrations.
  {
    auto created = store::Store::open(options.out, store::Store::Access::read_write);
    if (!created) die(created.error().message);
  }
  // 2. The bulk of the history in one transaction on a raw connection.
  const auto bulk_started = Clock::now();
  std::vector<std::uint32_t> last_record(history.items.size(), UINT32_MAX);  // event index
  if (bulk > 0) {
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(options.out.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      die("cannot open " + options.out.string());
    }
    store::Connection db(raw);
    // A new file: no journal is needed to load it (a failure leaves a file to delete).
    exec(db.get(), "PRAGMA journal_mode = DELETE");
    exec(db.get(), "PRAGMA synchronous = OFF");
    exec(db.get(), "PRAGMA cache_size = -262144");
    exec(db.get(), "BEGIN");
    auto insert_audit = prepare(db.get(),
        "INSERT INTO audit (seq, at, author, action, act, occurrence, step, member, done_by, reference,"
        " document_url, note, forced, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11, ?12, ?13, ?14, ?15)");
    std::string previous = store::k_genesis_hash;
    for (std::size_t e = 0; e < bulk; ++e) {
      const Event& event = history.events[e];
      const store::StepChange change = change_of(model, history.items[event.item], event);
      store::AuditRow row = audit_row_of(change, static_cast<std::int64_t>(e + 1), previous);
      row.hash = store::audit_row_hash(row);
      insert_audit.bind(1, row.seq).bind(2, row.at).bind(3, row.author).bind(4, row.action).bind(5, row.act);
      insert_audit.bind(6, row.occurrence).bind(7, row.step).bind(8, row.member).bind(9, row.done_by);
      insert_audit.bind(10, row.reference).bind(11, row.document_url).bind(12, row.note);
      insert_audit.bind(13, std::int64_t{row.forced ? 1 : 0}).bind(14, row.prev_hash).bind(15, row.hash);
      run(db.get(), insert_audit);
      last_record[event.item] = event.kind == Kind::undone ? UINT32_MAX : static_cast<std::uint32_t>(e);
      previous = std::move(row.hash);
    }
    auto head = prepare(db.get(), "INSERT OR REPLACE INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)");
    head.bind(1, static_cast<std::int64_t>(bulk)).bind(2, previous);
    run(db.get(), head);

    // Step states (the state after the bulk events) and their occurrences, in key order.
    std::vector<store::StepChange> states;
    std::vector<std::uint32_t> touched;  // items with at least one bulk event
    std::vector<bool> seen(history.items.size(), false);
    for (std::size_t e = 0; e < bulk; ++e) {
      const std::uint32_t item = history.events[e].item;
      if (!seen[item]) { seen[item] = true; touched.push_back(item); }
    }
    std::map<std::string, std::string> occurrences;  // every occurrence ever recorded
    for (const std::uint32_t item : touched) {
      const Item& it = history.items[item];
      const std::string prefix = body_prefix(it.body);
      occurrences.emplace(prefix + model.keys[it.occurrence], prefix + model.schedule[it.occurrence].act->id);
      if (last_record[item] != UINT32_MAX) {
        states.push_back(change_of(model, it, history.events[last_record[item]]));
      }
    }
    auto insert_occurrence = prepare(db.get(), "INSERT INTO occurrence (key, act) VALUES (?1, ?2)");
    for (const auto& [key, act] : occurrences) {
      insert_occurrence.bind(1, key).bind(2, act);
      run(db.get(), insert_occurrence);
    }
    std::ranges::sort(states, {}, &store::StepChange::key);
    auto insert_state = prepare(db.get(),
        "INSERT INTO step_state (occurrence, step, member, status, done_by, recorded_at, reference,"
        " document_url, note, forced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    for (const store::StepChange& change : states) {
      insert_state.bind(1, change.key.occurrence).bind(2, change.key.step).bind(3, change.key.member);
      insert_state.bind(4, change.kind == store::ChangeKind::done ? "done" : "waived").bind(5, change.done_by);
      insert_state.bind(6, change.at).bind(7, change.reference).bind(8, change.document_url);
      insert_state.bind(9, change.note).bind(10, std::int64_t{change.forced ? 1 : 0});
      run(db.get(), insert_state);
    }
    exec(db.get(), "COMMIT");
    exec(db.get(), "PRAGMA journal_mode = WAL");  // as Store leaves every file it writes
  }
  const double bulk_seconds = seconds_since(bulk_started);

  // 3. The latest changes through the real API, continuing the chain; then check it.
  double tail_seconds = 0;
  double verify_seconds = 0;
  std::int64_t verified = 0;
  std::size_t pending_lines = 0;
  std::int64_t states = 0;
  std::int64_t audit = 0;
  std::int64_t occurrences = 0;
  {
    auto opened = store::Store::open(options.out, store::Store::Access::read_write);
    if (!opened) die(opened.error().message);
    store::Store& store = *opened;
    const auto tail_started = Clock::now();
    for (std::size_t e = bulk; e < history.events.size(); ++e) {
      const Event& event = history.events[e];
      if (auto applied = store.apply(change_of(model, history.items[event.item], event)); !applied) {
        die("Store::apply: " + applied.error().message);
      }
    }
    tail_seconds = seconds_since(tail_started);
    const auto verify_started = Clock::now();
    auto check = store.verify_audit();
    if (!check) die(check.error().message);
    if (check->problem) die("the audit chain does not verify: " + *check->problem);
    verify_seconds = seconds_since(verify_started);
    verified = check->rows;

    if (!options.pending.empty()) pending_lines = write_pending(rules, calendar, store, options);

    sqlite3* raw = nullptr;
    sqlite3_open_v2(options.out.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    store::Connection db(raw);
    states = count_rows(db.get(), "step_state");
    audit = count_rows(db.get(), "audit");
    occurrences = count_rows(db.get(), "occurrence");
  }  // the last connection closes: SQLite checkpoints the WAL into the file
  const auto size_of = [](const fs::path& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? std::uintmax_t{0} : size;
  };
  const auto human = [](std::uintmax_t bytes) {
    char text[32];
    if (bytes >= 1024 * 1024) std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / 1048576.0);
    else std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    return std::string(text);
  };

  std::printf("database                %s\n", options.out.c_str());
  if (options.bodies == 0) {
    std::printf("bodies                  0 (an empty database: the schema only)\n");
  } else {
    std::printf("bodies                  %d (the body itself + %d synthetic \"bNN/\")\n", options.bodies,
                options.bodies - 1);
  }
  std::printf("years                   %d .. %d, today %s\n", options.from, options.to,
              format_iso(options.today).c_str());
  std::printf("occurrences per body    %zu\n", model.schedule.size());
  std::printf("occurrence rows         %lld\n", static_cast<long long>(occurrences));
  std::printf("step_state rows         %lld\n", static_cast<long long>(states));
  std::printf("open steps (all bodies) %zu late, %zu not yet due\n", history.open_late, history.pending);
  std::printf("audit rows              %lld (%zu raw in one transaction, %zu via Store::apply)\n",
              static_cast<long long>(audit), bulk, api_tail);
  std::printf("audit verify            ok, %lld rows, %.2f s\n", static_cast<long long>(verified), verify_seconds);
  std::printf("file size               %s\n", human(size_of(options.out)).c_str());
  if (!options.pending.empty()) {
    std::printf("pending steps listed    %zu in %s\n", pending_lines, options.pending.c_str());
  }
  std::printf("time                    %.2f s (bulk %.2f s, Store::apply tail %.2f s)\n",
              seconds_since(started), bulk_seconds, tail_seconds);
  return 0;
}
