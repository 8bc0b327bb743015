// The pure parts of the webhook channel: the Standard Webhooks signature (the
// specification's own test vector), "whsec_" keys, the body of each preset, Retry-After,
// and how libcurl results and replies become outcomes. webhook_peer_test.py checks the same
// against a real HTTP receiver with an independent implementation.
#include "notifiers/curl_easy.hpp"
#include "notifiers/webhook_body.hpp"
#include "notifiers/webhook_channel.hpp"
#include "notifiers/webhook_signature.hpp"
#include "sample_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace scadenzario::notifiers {
namespace {

using Outcome = DeliveryResult::Outcome;
using nlohmann::json;

}  // namespace

TEST_CASE("sign_webhook: the Standard Webhooks test vector", "[webhook]") {
  const auto key = webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  REQUIRE(key);
  CHECK(sign_webhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("webhook_key: whsec_ secrets are base64, others are used as they are", "[webhook]") {
  CHECK(webhook_key("whsec_Zm9vYmFy") == "foobar");
  CHECK(webhook_key("una chiave qualsiasi") == "una chiave qualsiasi");
  CHECK_FALSE(webhook_key("whsec_not base64!"));
}

TEST_CASE("webhook_body: standard preset, every field of every notification", "[webhook]") {
  const json body = json::parse(webhook_body(test::sample_message(), WebhookPreset::standard, test::k_sample_now));
  CHECK(body["type"] == "scadenzario.notifications");
  CHECK(body["timestamp"] == "2027-02-02T08:00:00Z");
  CHECK(body["data"]["id"] == "00c0ffee00c0ffee");
  CHECK(body["data"]["organization"] == "Camera di commercio di Prova");
  REQUIRE(body["data"]["notifications"].size() == 1);
  CHECK(body["data"]["notifications"][0] == json{{"key", "piano-performance/2027/approva//escalation/1/giunta"},
                                                 {"kind", "escalation"},
                                                 {"act", "piano-performance"},
                                                 {"act_title", "Piano della performance"},
                                                 {"phase", 1},
                                                 {"deadline", ""},
                                                 {"period", "2027"},
                                                 {"step", "approva"},
                                                 {"actor", "giunta"},
                                                 {"actor_title", "Giunta camerale"},
                                                 {"action", "APPROVA"},
                                                 {"member", ""},
                                                 {"recipient", "presidente"},
                                                 {"level", 1},
                                                 {"due_date", "2027-01-29"},
                                                 {"days_left", -3},
                                                 {"late", false},
                                                 {"summary", "Piano della performance — Giunta camerale: APPROVA <è>"}});
}

TEST_CASE("webhook_body: teams preset is an Adaptive Card message", "[webhook]") {
  const json body = json::parse(webhook_body(test::sample_message(), WebhookPreset::teams, test::k_sample_now));
  CHECK(body["type"] == "message");
  const json& attachment = body["attachments"][0];
  CHECK(attachment["contentType"] == "application/vnd.microsoft.card.adaptive");
  CHECK(attachment["content"]["type"] == "AdaptiveCard");
  CHECK(attachment["content"]["body"][0]["text"] == test::sample_message().subject);
  CHECK(attachment["content"]["body"][1]["facts"][0]["value"] == "scadenza 29/01/2027 (in ritardo di 3 giorni)");
}

TEST_CASE("webhook_body: slack preset, mrkdwn text with &, <, > escaped", "[webhook]") {
  const json body = json::parse(webhook_body(test::sample_message(), WebhookPreset::slack, test::k_sample_now));
  const std::string text = body["text"];
  CHECK(text.starts_with("*[Scadenzario] SOLLECITO"));
  CHECK(text.find("\n• Piano della performance — Giunta camerale: APPROVA &lt;è&gt; — scadenza 29/01/2027 "
                  "(in ritardo di 3 giorni)") != std::string::npos);
  CHECK(text.ends_with("\n_Camera di commercio di Prova_"));
}

TEST_CASE("webhook_body: invalid UTF-8 is replaced, never thrown", "[webhook]") {
  Message message = test::sample_message();
  message.subject = "bad \xC3";
  CHECK_NOTHROW(json::parse(webhook_body(message, WebhookPreset::standard, 0)));
}

TEST_CASE("parse_retry_after: delay-seconds or an HTTP date", "[webhook]") {
  constexpr std::time_t now = 1801555200;  // Tue, 02 Feb 2027 08:00:00 GMT
  CHECK(parse_retry_after("120", now) == std::chrono::seconds{120});
  CHECK(parse_retry_after(" 0 ", now) == std::chrono::seconds{0});
  CHECK(parse_retry_after("Tue, 02 Feb 2027 08:01:30 GMT", now) == std::chrono::seconds{90});
  CHECK(parse_retry_after("Mon, 01 Feb 2027 08:00:00 GMT", now) == std::chrono::seconds{0});
  CHECK_FALSE(parse_retry_after("", now));
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("99999999999999999999999", now));
}

TEST_CASE("http_verdict: 2xx delivered; 401, 403 configuration; 408, 429, 5xx transient; other 4xx and 3xx "
          "permanent; no answer a connection failure", "[webhook]") {
  using Scope = DeliveryResult::Scope;
  CHECK(http_verdict(CURLE_OK, 200) == Verdict{Outcome::delivered, Scope::message});
  CHECK(http_verdict(CURLE_OK, 204) == Verdict{Outcome::delivered, Scope::message});
  for (const long status : {408L, 429L, 500L, 502L, 503L}) {
    CHECK(http_verdict(CURLE_OK, status) == Verdict{Outcome::transient, Scope::message});
  }
  for (const long status : {401L, 403L}) {
    CHECK(http_verdict(CURLE_OK, status) == Verdict{Outcome::permanent, Scope::configuration});
  }
  for (const long status : {400L, 404L, 410L, 301L, 302L}) {
    CHECK(http_verdict(CURLE_OK, status) == Verdict{Outcome::permanent, Scope::message});
  }
  for (const CURLcode code : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_RESOLVE_HOST,
                              CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_GOT_NOTHING}) {
    CHECK(http_verdict(code, 0) == Verdict{Outcome::transient, Scope::connection});
  }
}

TEST_CASE("smtp_verdict: the command a refusal answers tells the message's fault from the configuration's",
          "[smtp]") {
  using Scope = DeliveryResult::Scope;
  CHECK(smtp_verdict(CURLE_OK, 250, "") == Verdict{Outcome::delivered, Scope::message});
  CHECK(smtp_verdict(CURLE_SEND_ERROR, 550, "RCPT") == Verdict{Outcome::permanent, Scope::message});
  CHECK(smtp_verdict(CURLE_WEIRD_SERVER_REPLY, 552, "DATA") == Verdict{Outcome::permanent, Scope::message});
  CHECK(smtp_verdict(CURLE_SEND_ERROR, 451, "RCPT") == Verdict{Outcome::transient, Scope::message});
  // The server closes (421), or refuses the greeting for now: nothing else would pass.
  CHECK(smtp_verdict(CURLE_SEND_ERROR, 421, "MAIL") == Verdict{Outcome::transient, Scope::connection});
  CHECK(smtp_verdict(CURLE_WEIRD_SERVER_REPLY, 450, "") == Verdict{Outcome::transient, Scope::connection});
  // What an administrator fixes: the greeting refused, the sender refused, the password,
  // a server without the STARTTLS that the configuration requires.
  CHECK(smtp_verdict(CURLE_WEIRD_SERVER_REPLY, 554, "") == Verdict{Outcome::permanent, Scope::configuration});
  CHECK(smtp_verdict(CURLE_SEND_ERROR, 550, "MAIL") == Verdict{Outcome::permanent, Scope::configuration});
  CHECK(smtp_verdict(CURLE_LOGIN_DENIED, 535, "AUTH") == Verdict{Outcome::permanent, Scope::configuration});
  CHECK(smtp_verdict(CURLE_USE_SSL_FAILED, 250, "") == Verdict{Outcome::permanent, Scope::configuration});
  for (const CURLcode code : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SSL_CONNECT_ERROR,
                              CURLE_RECV_ERROR, CURLE_GOT_NOTHING}) {
    CHECK(smtp_verdict(code, 0, "DATA") == Verdict{Outcome::transient, Scope::connection});
  }
}

TEST_CASE("webhook channel: an id unfit for a header is refused before any connection", "[webhook]") {
  auto channel = make_webhook_channel(WebhookChannelOptions{.name = "x", .url = "http://127.0.0.1:9/"});
  Message message = test::sample_message("abc\r\nX-Injected: 1");
  const DeliveryResult result = channel->deliver(message, 0);
  CHECK(result.outcome == Outcome::permanent);
  CHECK(result.detail.starts_with("message id "));
}

TEST_CASE("redacted_url: scheme and host only, user info, path and query are secrets", "[webhook]") {
  CHECK(redacted_url("https://hooks.slack.com/services/T000/B000/XXXX") == "https://hooks.slack.com");
  CHECK(redacted_url("smtp://user:pw@mail.example.it:587/ehlo") == "smtp://mail.example.it:587");
  CHECK(redacted_url("http://127.0.0.1:8080?token=x") == "http://127.0.0.1:8080");
  CHECK(redacted_url("garbage") == "(url)");
}

}  // namespace scadenzario::notifiers
