// Plays one connection's script, without I/O: bytes in, actions out. The
// server executes the actions in order (writes, pauses, closes) and calls
// resume() when a pause is over.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "scenario_model.hpp"

namespace gearspec::mock::detail {

struct player_action {
  enum class kind : std::uint8_t {
    write,       ///< one socket write of `bytes`
    pause,       ///< wait `duration`, then call resume()
    close,       ///< FIN after the writes before it
    reset,       ///< RST (SO_LINGER 0)
    half_close,  ///< shutdown(SHUT_WR)
    forward,     ///< hand `bytes` (whole messages) to queue mode; its replies go out
    hold,        ///< queue mode: hold jobs of function `text` ("" = all)
    release,     ///< undo hold
    mismatch,    ///< journal: `text` = "expected ..., got ..."
    note,        ///< journal: `text`
  };
  kind what = kind::note;
  std::string bytes;
  std::string text;
  std::chrono::milliseconds duration{0};
  bool then_resume = false;  ///< pause: call resume() when it is over
};

/// Shared by every player of one server: scripted handles count from 1.
struct player_context {
  std::string handle_prefix = "H:mock";
  std::uint64_t next_handle = 1;
};

class scenario_player {
 public:
  /// `script` null = nothing scripted: behaves like the end of a script.
  scenario_player(const scenario_model& model, const connection_script* script, std::uint64_t connection,
                  player_context& ctx, proto::decoder_limits limits);

  /// Run the first steps (those before the first expect).
  void start(std::vector<player_action>& out);
  /// Bytes read from the peer.
  void receive(std::string_view bytes, std::vector<player_action>& out);
  /// A pause action is over.
  void resume(std::vector<player_action>& out);

  /// Script over with `then: queue` (or a `queue` step): the server passes
  /// every later byte straight to queue mode.
  bool queue_mode() const noexcept { return mode_ == mode::queue; }
  /// Nothing more will ever be written (black hole, silent end, closed).
  bool finished() const noexcept { return mode_ != mode::playing; }

 private:
  enum class mode : std::uint8_t { playing, queue, silent, closed };
  struct frame {
    const step_list* steps;
    std::size_t index;
    std::size_t remaining;  // repeat count left; 0 = forever (for repeat frames)
  };

  void run(std::vector<player_action>& out);
  bool handle_message(std::vector<player_action>& out);
  void execute_send(const step& s, std::vector<player_action>& out);
  std::string expand(const value_template& t);
  /// The bytes of one item; none (and a mismatch in `out`) when it cannot be
  /// built: an assign with no grab received yet.
  std::optional<std::string> render(const send_item& item, int line, std::vector<player_action>& out);
  bool matches(const step& s, std::string& why) const;
  /// An OPTION_REQ / SET_CLIENT_ID the script does not expect, answered by queue mode.
  bool answers_preamble() const;
  std::string describe_expectation(const step& s) const;
  std::string describe_message() const;
  void end_script(std::vector<player_action>& out);
  /// Journal that `s` got `got` instead, then do what on_mismatch says.
  void mismatched(const step& s, const std::string& got, std::vector<player_action>& out);
  /// Close (FIN or RST): nothing more is played.
  void stop(std::vector<player_action>& out, player_action::kind how);
  /// Hand the connection, and the input not consumed yet, to queue mode.
  void enter_queue(std::vector<player_action>& out);
  const step* current() const;
  void advance();

  const scenario_model& model_;
  std::uint64_t connection_;
  player_context& ctx_;
  proto::decoder decoder_;
  std::vector<frame> stack_;
  mode mode_ = mode::playing;
  bool paused_ = false;
  std::string pending_;  // input received while paused or not yet consumed
  std::string last_handle_;
  std::vector<std::string> last_args_;
  std::string last_data_;
  std::optional<proto::command> last_grab_;  ///< the last GRAB_JOB* read on this connection
  std::uint64_t counter_ = 0;
  // the message under examination
  proto::message_kind msg_kind_ = proto::message_kind::none;
  proto::packet msg_;
  std::string msg_text_;
  std::string msg_raw_;
};

}  // namespace gearspec::mock::detail
