// Admin text protocol (WIRE.md section 8): tokenizer, classification,
// gearmand-exact reply formatting and reply parsing.
#include "gearspec/protocol/admin.hpp"

#include <gtest/gtest.h>

#include "gearspec/protocol/error.hpp"

namespace gp = gearspec::proto;
namespace admin = gearspec::proto::admin;

namespace {

admin::tokens tokenize_ok(std::string_view line) {
  admin::tokens t;
  const auto ec = admin::tokenize(line, t);
  EXPECT_FALSE(ec) << "tokenize(" << line << "): " << ec.message();
  return t;
}

admin::verb classify_line(std::string_view line) { return admin::classify(tokenize_ok(line)).what; }

}  // namespace

// gearmand turns a trailing space into one more, empty token: "show \n" gets
// UNKNOWN_SHOW_ARGUMENTS and "a b c d e \n" closes the connection (6 tokens).
TEST(AdminTokenize, TrailingSpaceAddsOneEmptyToken) {
  const auto t = tokenize_ok("show ");
  ASSERT_EQ(t.count, 2u);
  EXPECT_EQ(t[0], "show");
  EXPECT_EQ(t[1], "");
  EXPECT_EQ(tokenize_ok("version   ").count, 2u);
  admin::tokens six;
  EXPECT_EQ(admin::tokenize("a b c d e ", six), gp::errc::too_many_tokens);
}

// The decoder already removed the one "\r" before "\n"; a second one is part
// of the token (gearmand answers "status\r\r\n" with UNKNOWN_COMMAND "status\r").
TEST(AdminTokenize, KeepsCarriageReturnLeftByTheDecoder) {
  const auto t = tokenize_ok("status\r");
  ASSERT_EQ(t.count, 1u);
  EXPECT_EQ(t[0], "status\r");
  EXPECT_EQ(admin::classify(t).what, admin::verb::unknown);
}

// "show" alone is an unknown command to gearmand, not an unknown show argument.
TEST(AdminClassify, ShowAloneIsUnknownCommand) {
  EXPECT_EQ(classify_line("show"), admin::verb::unknown);
  EXPECT_EQ(classify_line("show "), admin::verb::show_unknown);
}

// An IPv6 peer address ("::1") starts with ':' and must not be taken for the
// " :" that ends the fixed columns of a workers line.
TEST(AdminParse, WorkersWithIpv6Address) {
  const std::vector<admin::worker_row> rows{{"7", "::1", "-", {"f1", "f2"}}};
  const auto bytes = admin::format_workers(rows);
  EXPECT_EQ(bytes, "7 ::1 - : f1 f2\n.\n");
  admin::reply r;
  ASSERT_FALSE(admin::parse_reply(admin::verb::workers, bytes, r));
  std::vector<admin::worker_row> parsed;
  ASSERT_FALSE(admin::parse_workers(r, parsed));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].fd, "7");
  EXPECT_EQ(parsed[0].ip, "::1");
  EXPECT_EQ(parsed[0].client_id, "-");
  EXPECT_EQ(parsed[0].functions, (std::vector<std::string>{"f1", "f2"}));
}

// ---- tokenizer (WIRE.md 8.2) ----------------------------------------------------

TEST(AdminTokenize, RunsOfSpacesAreOneSeparator) {
  const auto t = tokenize_ok("maxqueue   fn  1 2");
  ASSERT_EQ(t.count, 4u);
  EXPECT_EQ(t[0], "maxqueue");
  EXPECT_EQ(t[1], "fn");
  EXPECT_EQ(t[2], "1");
  EXPECT_EQ(t[3], "2");
  EXPECT_EQ(t[4], "") << "past count";
}

TEST(AdminTokenize, LeadingSpaceGivesAnEmptyFirstToken) {
  const auto t = tokenize_ok("  status");
  ASSERT_EQ(t.count, 2u);
  EXPECT_EQ(t[0], "");
  EXPECT_EQ(t[1], "status");
  EXPECT_EQ(admin::classify(t).what, admin::verb::unknown);
}

TEST(AdminTokenize, EmptyLineIsOneEmptyToken) {
  const auto t = tokenize_ok("");
  ASSERT_EQ(t.count, 1u);
  EXPECT_EQ(t[0], "");
}

TEST(AdminTokenize, FiveTokensPassSixFail) {
  EXPECT_EQ(tokenize_ok("a b c d e").count, 5u);
  EXPECT_EQ(tokenize_ok("a b c d ").count, 5u);
  admin::tokens t;
  EXPECT_EQ(admin::tokenize("a b c d e f", t), gp::errc::too_many_tokens);
  EXPECT_EQ(admin::tokenize(" a b c d e", t), gp::errc::too_many_tokens);
}

TEST(AdminTokenize, OnlySpacesSeparate) {
  const auto t = tokenize_ok("show\tjobs");
  ASSERT_EQ(t.count, 1u);
  EXPECT_EQ(t[0], "show\tjobs");
}

// ---- classification ----------------------------------------------------------------

TEST(AdminClassify, EveryVerbInAnyCase) {
  const std::pair<std::string_view, admin::verb> cases[] = {
      {"status", admin::verb::status},
      {"STATUS", admin::verb::status},
      {"prioritystatus", admin::verb::prioritystatus},
      {"PriorityStatus", admin::verb::prioritystatus},
      {"workers", admin::verb::workers},
      {"WORKERS x", admin::verb::workers},
      {"version", admin::verb::version},
      {"getpid", admin::verb::getpid},
      {"GetPid", admin::verb::getpid},
      {"verbose", admin::verb::verbose},
      {"maxqueue", admin::verb::maxqueue},
      {"MAXQUEUE fn 1 2 3", admin::verb::maxqueue},
      {"show jobs", admin::verb::show_jobs},
      {"SHOW JOBS", admin::verb::show_jobs},
      {"show unique jobs", admin::verb::show_unique_jobs},
      {"Show Unique Jobs", admin::verb::show_unique_jobs},
      {"show jobs x", admin::verb::show_unknown},
      {"show stuff", admin::verb::show_unknown},
      {"show unique", admin::verb::show_unknown},
      {"cancel job H:vm:1", admin::verb::cancel_job},
      {"CANCEL JOB H:vm:1", admin::verb::cancel_job},
      {"cancel x y", admin::verb::cancel_job},  // refused with UNKNOWN_ERROR
      {"cancel job", admin::verb::unknown},
      {"create function f", admin::verb::create_function},
      {"create", admin::verb::create_function},
      {"drop function f", admin::verb::drop_function},
      {"shutdown", admin::verb::unknown},  // removed in 1.1.15
      {"shutdown graceful", admin::verb::unknown},
      {"", admin::verb::unknown},
      {"statusx", admin::verb::unknown},
  };
  for (auto [line, verb] : cases) EXPECT_EQ(classify_line(line), verb) << '"' << line << '"';
}

TEST(AdminClassify, FunctionAndHandleAccessors) {
  EXPECT_EQ(admin::classify(tokenize_ok("maxqueue fn 5")).function(), "fn");
  EXPECT_EQ(admin::classify(tokenize_ok("maxqueue")).function(), "");
  EXPECT_EQ(admin::classify(tokenize_ok("create function fx")).function(), "fx");
  EXPECT_EQ(admin::classify(tokenize_ok("drop function fy")).function(), "fy");
  EXPECT_EQ(admin::classify(tokenize_ok("cancel job H:vm:9")).handle(), "H:vm:9");
}

// WIRE.md 8.3: the errors the tokens alone decide, byte-exact.
TEST(AdminClassify, RefusesMalformedArgumentsAsGearmandDoes) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"maxqueue",
       "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+maxqueue\r\n"},
      {"create", "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+create\r\n"},
      {"CREATE function",
       "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+create\r\n"},
      {"create func f",
       "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+create\r\n"},
      {"drop function f g",
       "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+drop\r\n"},
      {"cancel x y", "ERR UNKNOWN_ERROR\r\n"},
      {"cancel job H:1 extra", "ERR UNKNOWN_ERROR\r\n"},
      {"show stuff", "ERR UNKNOWN_SHOW_ARGUMENTS\r\n"},
      {"show ", "ERR UNKNOWN_SHOW_ARGUMENTS\r\n"},
      {"cancel job", "ERR UNKNOWN_COMMAND Unknown+server+commandcancel\r\n"},
      {"Shutdown now", "ERR UNKNOWN_COMMAND Unknown+server+commandShutdown\r\n"},
      {"", "ERR UNKNOWN_COMMAND Unknown+server+command\r\n"},
  };
  for (auto [line, reply] : cases) {
    const auto r = admin::classify(tokenize_ok(line));
    ASSERT_TRUE(r.refused) << '"' << line << '"';
    EXPECT_EQ(admin::format_refusal(r), reply) << '"' << line << '"';
  }
  for (std::string_view fine :
       {"status", "maxqueue fn", "maxqueue fn 1 2 3", "create function f", "DROP FUNCTION f",
        "cancel JOB H:1", "show jobs", "show unique jobs", "verbose x"})
    EXPECT_FALSE(admin::classify(tokenize_ok(fine)).refused) << '"' << fine << '"';
}

TEST(AdminFormat, RefusalsTheServerStateDecides) {
  EXPECT_EQ(admin::format_refusal(admin::refusal::unknown_job), "ERR UNKNOWN_JOB\r\n");
  EXPECT_EQ(admin::format_refusal(admin::refusal::unknown_error), "ERR UNKNOWN_ERROR\r\n");
  EXPECT_EQ(admin::format_refusal(admin::refusal::function_busy),
            "ERR there are still connected workers or executing clients\r\n");
  EXPECT_EQ(admin::format_refusal(admin::refusal::function_not_found), "ERR function not found\r\n");
  EXPECT_EQ(admin::format_refusal(admin::refusal::unknown_command, "x y"),
            "ERR UNKNOWN_COMMAND Unknown+server+commandx y\r\n")
      << "the word as sent, no '+' for spaces";
}

TEST(AdminClassify, ListingVerbs) {
  for (auto v : {admin::verb::status, admin::verb::prioritystatus, admin::verb::workers,
                 admin::verb::show_jobs, admin::verb::show_unique_jobs})
    EXPECT_TRUE(admin::replies_with_listing(v));
  for (auto v : {admin::verb::version, admin::verb::getpid, admin::verb::verbose, admin::verb::maxqueue,
                 admin::verb::cancel_job, admin::verb::show_unknown, admin::verb::unknown})
    EXPECT_FALSE(admin::replies_with_listing(v));
}

// ---- formatting, byte-exact as WIRE.md 8.3 ----------------------------------------------

TEST(AdminFormat, Listings) {
  EXPECT_EQ(admin::format_status({{"f1", 3, 1, 2}, {"f2", 0, 0, 0}}), "f1\t3\t1\t2\nf2\t0\t0\t0\n.\n");
  EXPECT_EQ(admin::format_status({}), ".\n");
  EXPECT_EQ(admin::format_priority_status({{"f", 1, 2, 3, 4}}), "f\t1\t2\t3\t4\n.\n");
  EXPECT_EQ(admin::format_workers({{"12", "127.0.0.1", "", {"a", "b"}}, {"13", "127.0.0.1", "cid", {}}}),
            "12 127.0.0.1 - : a b\n13 127.0.0.1 cid :\n.\n");
  EXPECT_EQ(admin::format_show_jobs({{"H:vm:1", 0, false, true}, {"H:vm:2", 7, true, false}}),
            "H:vm:1\t0\t0\t1\nH:vm:2\t7\t1\t0\n.\n");
  EXPECT_EQ(admin::format_show_unique_jobs({"u1", "-"}), "u1\n-\n.\n");
}

TEST(AdminFormat, OkAndErrLines) {
  EXPECT_EQ(admin::format_ok(), "OK\r\n");
  EXPECT_EQ(admin::format_ok_value("1.1.20+ds"), "OK 1.1.20+ds\n");
  EXPECT_EQ(admin::format_ok_value("ERROR"), "OK ERROR\n");
  EXPECT_EQ(admin::format_err("UNKNOWN_SHOW_ARGUMENTS", ""), "ERR UNKNOWN_SHOW_ARGUMENTS\r\n");
  EXPECT_EQ(admin::format_err("UNKNOWN_JOB", ""), "ERR UNKNOWN_JOB\r\n");
  EXPECT_EQ(admin::format_err("INVALID_ARGUMENTS",
                              "An incomplete set of arguments was sent to this command maxqueue"),
            "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+maxqueue\r\n");
  EXPECT_EQ(admin::format_unknown_command("cancel"), "ERR UNKNOWN_COMMAND Unknown+server+commandcancel\r\n");
  EXPECT_EQ(admin::format_unknown_command(""), "ERR UNKNOWN_COMMAND Unknown+server+command\r\n");
  EXPECT_EQ(admin::format_unknown_command("status\r"),
            "ERR UNKNOWN_COMMAND Unknown+server+commandstatus\r\r\n");
}

// ---- reply parsing ------------------------------------------------------------------------

namespace {

admin::reply parse_ok(admin::verb v, std::string_view bytes) {
  admin::reply r;
  const auto ec = admin::parse_reply(v, bytes, r);
  EXPECT_FALSE(ec) << "verb " << static_cast<int>(v) << ": " << ec.message();
  return r;
}

}  // namespace

TEST(AdminParse, ReplyLengthWaitsForTheWholeReply) {
  EXPECT_EQ(admin::reply_length(admin::verb::status, "f\t1\t0\t0\n"), 0u);
  EXPECT_EQ(admin::reply_length(admin::verb::status, "f\t1\t0\t0\n.\nnext"), 10u);
  EXPECT_EQ(admin::reply_length(admin::verb::status, ".\n"), 2u);
  EXPECT_EQ(admin::reply_length(admin::verb::status, "."), 0u);
  EXPECT_EQ(admin::reply_length(admin::verb::status, "ERR X y\r\n.\n"), 9u)
      << "an ERR line ends a listing reply";
  EXPECT_EQ(admin::reply_length(admin::verb::version, "OK 1.1.20+ds"), 0u);
  EXPECT_EQ(admin::reply_length(admin::verb::version, "OK 1.1.20+ds\nrest"), 13u);
  EXPECT_EQ(admin::reply_length(admin::verb::maxqueue, "OK\r\n"), 4u);
}

TEST(AdminParse, OkErrAndValueReplies) {
  auto r = parse_ok(admin::verb::maxqueue, "OK\r\n");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "");
  r = parse_ok(admin::verb::version, "OK 1.1.20+ds\n");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "1.1.20+ds");
  r = parse_ok(admin::verb::maxqueue,
               "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+maxqueue\r\n");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, "INVALID_ARGUMENTS");
  EXPECT_EQ(r.text, "An incomplete set of arguments was sent to this command maxqueue");
  r = parse_ok(admin::verb::cancel_job, "ERR UNKNOWN_JOB\r\n");
  EXPECT_EQ(r.code, "UNKNOWN_JOB");
  EXPECT_EQ(r.text, "");
  r = parse_ok(admin::verb::status, "ERR UNKNOWN_COMMAND Unknown+server+commandstatus\r\n");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, "UNKNOWN_COMMAND");
}

TEST(AdminParse, Rejects) {
  admin::reply r;
  EXPECT_EQ(admin::parse_reply(admin::verb::version, "", r), gp::errc::malformed_admin_reply);
  EXPECT_EQ(admin::parse_reply(admin::verb::version, "OK 1", r), gp::errc::malformed_admin_reply)
      << "incomplete";
  EXPECT_EQ(admin::parse_reply(admin::verb::version, "HELLO\n", r), gp::errc::malformed_admin_reply);
  EXPECT_EQ(admin::parse_reply(admin::verb::version, "OK\nOK\n", r), gp::errc::malformed_admin_reply)
      << "two replies";
  EXPECT_EQ(admin::parse_reply(admin::verb::status, "f\t1\t0\t0\n", r), gp::errc::malformed_admin_reply);
  std::vector<admin::status_row> rows;
  EXPECT_EQ(admin::parse_status(parse_ok(admin::verb::status, "f\t1\t0\n.\n"), rows),
            gp::errc::malformed_admin_reply);
  EXPECT_EQ(admin::parse_status(parse_ok(admin::verb::status, "f\tx\t0\t0\n.\n"), rows),
            gp::errc::malformed_admin_reply);
  EXPECT_EQ(admin::parse_status(parse_ok(admin::verb::status, "ERR A b\r\n"), rows),
            gp::errc::malformed_admin_reply);
  std::vector<admin::job_row> jobs;
  EXPECT_EQ(admin::parse_show_jobs(parse_ok(admin::verb::show_jobs, "H\t0\t2\t1\n.\n"), jobs),
            gp::errc::malformed_admin_reply)
      << "flags are 0 or 1";
  std::vector<admin::worker_row> workers;
  EXPECT_EQ(admin::parse_workers(parse_ok(admin::verb::workers, "12 127.0.0.1 -\n.\n"), workers),
            gp::errc::malformed_admin_reply);
}

TEST(AdminParse, ListingsRoundTrip) {
  const std::vector<admin::status_row> status{{"f1", 3, 1, 2}, {"f 2", 18446744073709551615u, 0, 9}};
  std::vector<admin::status_row> status_back;
  ASSERT_FALSE(admin::parse_status(parse_ok(admin::verb::status, admin::format_status(status)), status_back));
  ASSERT_EQ(status_back.size(), 2u);
  EXPECT_EQ(status_back[1].function, "f 2");
  EXPECT_EQ(status_back[1].total, 18446744073709551615u);

  const std::vector<admin::priority_status_row> prio{{"f", 1, 2, 3, 4}};
  std::vector<admin::priority_status_row> prio_back;
  ASSERT_FALSE(admin::parse_priority_status(
      parse_ok(admin::verb::prioritystatus, admin::format_priority_status(prio)), prio_back));
  ASSERT_EQ(prio_back.size(), 1u);
  EXPECT_EQ(prio_back[0].low, 3u);
  EXPECT_EQ(prio_back[0].workers, 4u);

  const std::vector<admin::worker_row> workers{{"12", "127.0.0.1", "cid", {"a", "b"}},
                                               {"13", "10.0.0.1", "-", {}}};
  std::vector<admin::worker_row> workers_back;
  ASSERT_FALSE(
      admin::parse_workers(parse_ok(admin::verb::workers, admin::format_workers(workers)), workers_back));
  ASSERT_EQ(workers_back.size(), 2u);
  EXPECT_EQ(workers_back[0].functions, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(workers_back[1].client_id, "-");
  EXPECT_TRUE(workers_back[1].functions.empty());

  const std::vector<admin::job_row> jobs{{"H:vm:1", 0, false, true}, {"H:vm:2", 7, true, false}};
  std::vector<admin::job_row> jobs_back;
  ASSERT_FALSE(
      admin::parse_show_jobs(parse_ok(admin::verb::show_jobs, admin::format_show_jobs(jobs)), jobs_back));
  ASSERT_EQ(jobs_back.size(), 2u);
  EXPECT_EQ(jobs_back[1].retries, 7u);
  EXPECT_TRUE(jobs_back[1].ignore);
  EXPECT_FALSE(jobs_back[1].queued);

  const auto uniques =
      parse_ok(admin::verb::show_unique_jobs, admin::format_show_unique_jobs({"u1", "-", ""}));
  EXPECT_EQ(uniques.lines, (std::vector<std::string>{"u1", "-", ""}));
  EXPECT_TRUE(parse_ok(admin::verb::show_unique_jobs, ".\n").lines.empty());
}

TEST(AdminParse, DecimalFields) {
  EXPECT_EQ(admin::parse_decimal("0"), 0u);
  EXPECT_EQ(admin::parse_decimal("18446744073709551615"), 18446744073709551615u);
  EXPECT_EQ(admin::parse_decimal("00000000000000000001"), 1u);
  for (std::string_view bad :
       {"", "18446744073709551616", "000000000000000000001", "-1", "+1", " 1", "1 ", "1a"})
    EXPECT_EQ(admin::parse_decimal(bad), std::nullopt) << bad;
}
