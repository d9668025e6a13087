// The admin tokenizer, classifier and reply formatters against the real
// gearmand 1.1.20: for each raw request line, the reply our codec predicts
// (decoder -> tokenize -> classify -> format_*) must be the bytes gearmand
// sends. Skips when gearmand is not installed.
#include <gtest/gtest.h>

#include "gearspec/protocol/admin.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/test/loopback_client.hpp"
#include "gearspec/test/real_gearmand.hpp"

namespace gp = gearspec::proto;
namespace admin = gearspec::proto::admin;
namespace gt = gearspec::test;

namespace {

struct prediction {
  bool closes = false;  ///< gearmand closes without a reply (6+ tokens)
  std::string reply;    ///< exact bytes, when not closing
  std::string prefix;   ///< or only the beginning, for replies that vary (version)
  admin::verb verb = admin::verb::unknown;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The reply of a freshly started gearmand (no functions, no jobs), per WIRE.md 8.3.
prediction predict(std::string_view raw_line, pid_t server_pid) {
  gp::decoder dec;
  std::error_code ec;
  dec.put(raw_line, ec);
  EXPECT_TRUE(!ec && dec.ready() && dec.kind() == gp::message_kind::text) << "not one text line";
  admin::tokens toks;
  prediction p;
  if (admin::tokenize(dec.text(), toks) == gp::errc::too_many_tokens) {
    p.closes = true;
    return p;
  }
  const auto req = admin::classify(toks);
  p.verb = req.what;
  switch (req.what) {
    case admin::verb::status:
    case admin::verb::prioritystatus:
    case admin::verb::show_jobs:
    case admin::verb::show_unique_jobs:
      p.reply = ".\n";
      break;
    case admin::verb::show_unknown:
      p.reply = admin::format_err("UNKNOWN_SHOW_ARGUMENTS", "");
      break;
    case admin::verb::version:
      p.prefix = "OK ";
      break;
    case admin::verb::getpid:
      p.reply = admin::format_ok_value(std::to_string(server_pid));
      break;
    case admin::verb::maxqueue:
      p.reply = toks.count == 1
                    ? admin::format_err("INVALID_ARGUMENTS",
                                        "An incomplete set of arguments was sent to this command maxqueue")
                    : admin::format_ok();
      break;
    case admin::verb::cancel_job:
      p.reply = toks.count == 3 && iequals(toks[1], "job") ? admin::format_err("UNKNOWN_JOB", "")
                                                           : admin::format_err("UNKNOWN_ERROR", "");
      break;
    case admin::verb::unknown:
      p.reply = admin::format_unknown_command(toks[0]);
      break;
    default:
      ADD_FAILURE() << "no prediction for this verb";
      break;
  }
  return p;
}

}  // namespace

TEST(AdminAgainstGearmand, RepliesMatchThePrediction) {
  GEARSPEC_REQUIRE_GEARMAND();
  gt::real_gearmand server;
  const std::string_view lines[] = {
      "status\n",
      "STATUS\n",
      "status \n",
      "  status\n",
      "status\r\r\n",
      "prioritystatus\n",
      "show jobs\n",
      "SHOW JOBS\n",
      "show unique jobs\n",
      "Show Unique Jobs\n",
      "show\n",
      "show \n",
      "show jobs \n",
      "show x\n",
      "version\r\n",
      "version  \n",
      "getpid\n",
      "maxqueue\n",
      "maxqueue \n",
      "maxqueue fn 1 2 3\n",
      "cancel job\n",
      "cancel job \n",
      "cancel job H:x:1\n",
      "cancel x y\n",
      "cancel job a b\n",
      "\n",
      "\r\n",
      "shutdown\n",
      "shutdown graceful\n",
      "\tstatus\n",
      "x\ry\n",
      "a b c d e\n",
      "a b c d \n",
      "a b c d e \n",
      "a b c d e f\n",
      " a b c d e\n",
  };
  for (std::string_view line : lines) {
    SCOPED_TRACE(gp::escape_bytes(line));
    const prediction p = predict(line, server.pid());
    const auto r = gt::loopback_exchange(
        server.port(), line, [&](std::string_view got) { return admin::reply_length(p.verb, got) != 0; },
        3000);
    if (p.closes) {
      EXPECT_TRUE(r.closed) << "gearmand answered " << gp::escape_bytes(r.bytes);
      EXPECT_EQ(r.bytes, "");
      continue;
    }
    ASSERT_FALSE(r.timed_out) << "no complete reply; got " << gp::escape_bytes(r.bytes);
    if (!p.prefix.empty())
      EXPECT_EQ(r.bytes.substr(0, p.prefix.size()), p.prefix);
    else
      EXPECT_EQ(gp::escape_bytes(r.bytes), gp::escape_bytes(p.reply));
  }
}
