#!/usr/bin/perl
# gearspec adapter (protocol v2, docs/conformance.md) for the Perl client
# Gearman::Client and worker Gearman::Worker (Debian libgearman-client-perl
# 2.004.015). stdout carries protocol answers only; diagnostics go to stderr.
#
# Gearman::Client sends one submit and waits for its reply before the next
# (Taskset::add_task), so feature "batch" is not listed and the jobs of one
# request are dispatched one after another on one client (one connection).
use strict;
use warnings;

use Gearman::Client;
use Gearman::Worker;
use JSON::PP ();
use MIME::Base64 ();
use Time::HiRes ();

binmode(STDIN);
binmode(STDOUT);
$| = 1;
# A write to a connection the server closed is the library's failure to
# report, not a reason for the adapter to die.
$SIG{PIPE} = 'IGNORE';

# Requests are UTF-8 JSON: decoded into character strings, which are encoded
# back to UTF-8 bytes before they reach the library.
my $json = JSON::PP->new->utf8->canonical(1);

# A request's byte field: <name>_b64 (protocol v2) when present, else the v1
# text encoded back to UTF-8 bytes; undef when both are absent or null.
sub field_bytes {
    my ($job, $name) = @_;
    return MIME::Base64::decode_base64($job->{"${name}_b64"}) if defined $job->{"${name}_b64"};
    return undef unless defined $job->{$name};
    my $bytes = $job->{$name};
    utf8::encode($bytes);
    return $bytes;
}

# A result's byte field: <name>_b64 always, and the text when it is UTF-8.
sub put_bytes {
    my ($result, $name, $bytes) = @_;
    $result->{"${name}_b64"} = MIME::Base64::encode_base64($bytes, '');
    my $text = $bytes;
    $result->{$name} = $text if utf8::decode($text);
}

# Bytes from the library (error texts) as characters for the JSON answer:
# UTF-8 when they are valid UTF-8, otherwise one character per byte.
sub as_text {
    my ($bytes) = @_;
    my $text = $bytes;
    utf8::decode($text);
    return $text;
}

# The handle Gearman::Client returns is "ip:port//H:..." (its own routing
# prefix, Taskset.pm job_created); the server's handle is the part after "//".
sub server_handle {
    my ($opaque) = @_;
    my $at = index($opaque, '//');
    return $at < 0 ? $opaque : substr($opaque, $at + 2);
}

# Gearman::Client has no error codes: failures are texts passed to on_fail, or
# exceptions (croak) from Taskset. Classify by the text it produced.
sub classify_failure {
    my ($text) = @_;
    # An ERROR packet is not handled by Taskset::process_packet: it croaks
    # "Unimplemented packet type: error [CODE\0TEXT]".
    if ($text =~ /Unimplemented packet type: error \[([^\0\]]*)\0?([^\]]*)/) {
        return {error_class => 'server_error', error => 'Unimplemented packet type: error',
                server_code => as_text($1)};
    }
    return {error_class => 'could_not_connect', error => 'undefined jssock'}
        if $text =~ /undefined jssock/;
    return {error_class => 'timeout', error => 'timeout'}
        if $text =~ /reading response packet failed: timeout/;
    return {error_class => 'lost_connection', error => $1}
        if $text =~ /reading response packet failed: (eof|read_error)/;
    return {error_class => 'protocol_error', error => $1}
        if $text =~ /reading response packet failed: (malformed_magic|bogus_command_type|bogus_command)/;
    return {error_class => 'protocol_error', error => $1}
        if $text =~ /(Unimplemented packet type|Got an unexpected job_created notification)/;
    return {error_class => 'lost_connection', error => 'Error sending data to job server'}
        if $text =~ /Error sending data to job server/;
    return {error_class => 'other', error => 'Gearman::Client failure'};
}

# A library's error text as a message: NULs shown as \0, no trailing newline.
sub message_of {
    my ($text) = @_;
    $text =~ s/\0/\\0/g;
    $text =~ s/\s+$//;
    return as_text($text);
}

sub failure {
    my ($text) = @_;
    return {ok => JSON::PP::false, %{ classify_failure($text) }, message => message_of($text)};
}

sub submit_one {
    my ($client, $job) = @_;
    my $workload = MIME::Base64::decode_base64($job->{workload_b64} // '');
    my %options = (priority => $job->{priority} // 'normal');
    # absent or null: no uniq option (library default); "" passed explicitly.
    my $unique = field_bytes($job, 'unique');
    $options{uniq} = $unique if defined $unique;
    my $fail_reason;
    $options{on_fail} = sub { $fail_reason = $_[0] // 'failed without a reason' };
    my $function = field_bytes($job, 'function');
    my $handle = eval { $client->dispatch_background($function, \$workload, \%options) };
    return failure($@) if $@;
    return failure($fail_reason // 'dispatch_background returned undef') unless defined $handle;
    my $result = {ok => JSON::PP::true};
    put_bytes($result, 'handle', server_handle($handle));
    return $result;
}

# A Gearman::Client for the request's server; command_timeout (seconds)
# bounds each wait for a reply packet.
sub client_for {
    my ($request) = @_;
    my %options = (job_servers => [$request->{server}]);
    $options{command_timeout} = $request->{timeout_ms} / 1000 if defined $request->{timeout_ms};
    return Gearman::Client->new(%options);
}

sub submit {
    my ($request) = @_;
    die "submit needs a \"jobs\" array\n" unless ref $request->{jobs} eq 'ARRAY';
    die "submit needs a string \"server\"\n" unless defined $request->{server} && !ref $request->{server};
    for my $i (0 .. $#{ $request->{jobs} }) {
        my $job = $request->{jobs}[$i];
        die "jobs[$i] is not an object\n" unless ref $job eq 'HASH';
        for my $field ('function', 'function_b64', 'unique', 'unique_b64') {
            die "jobs[$i].$field must be a string\n" if defined $job->{$field} && ref $job->{$field};
        }
        die "jobs[$i] has no function\n" unless defined $job->{function} || defined $job->{function_b64};
        my $priority = $job->{priority} // 'normal';
        die "jobs[$i].priority must be normal, high or low\n" unless $priority =~ /^(normal|high|low)$/;
        die "jobs[$i].background=false: this adapter submits background jobs only\n"
            if defined $job->{background} && !$job->{background};
    }
    my $client = client_for($request);
    return [map { submit_one($client, $_) } @{ $request->{jobs} }];
}

# Close every connection a Gearman::Client or Gearman::Worker keeps
# (Gearman::Objects' sock_cache), so nothing of a request outlives its answer.
sub close_connections {
    my ($object) = @_;
    for my $sock (values %{ $object->{sock_cache} || {} }) {
        close($sock) if defined $sock;
    }
    %{ $object->{sock_cache} } = () if $object->{sock_cache};
}

sub require_string {
    my ($request, $field) = @_;
    die "$request->{op} needs a string \"$field\"\n" unless defined $request->{$field} && !ref $request->{$field};
}

sub require_count {
    my ($value, $what) = @_;
    die "$what must be a whole number\n" unless defined $value && !ref $value && $value =~ /^[0-9]+$/;
}

# ---- op work (Gearman::Worker) ------------------------------------------------

# One action of a function, as Gearman::Worker lets a function do it. Returns
# the step: {ok: true} or {ok: false, error: ...}.
sub run_action {
    my ($worker, $job, $action) = @_;
    my $what = $action->{do} // '';
    my $data = field_bytes($action, 'data') // '';
    my $sent;
    if ($what eq 'status') {
        # Gearman::Job::set_status (croaks when the write fails). Worker's
        # send_work_status is not used: it passes only the numerator on
        # (_job_request takes one value), so WORK_STATUS would lack the
        # denominator.
        $sent = eval { $job->set_status($action->{numerator}, $action->{denominator}) };
        return {ok => JSON::PP::false, error => message_of("set_status: $@")} unless $sent;
    } elsif ($what eq 'sleep') {
        Time::HiRes::sleep($action->{ms} / 1000);
        $sent = 1;
    } else {
        # send_work_complete, _fail (which takes no data), _exception, _data
        # or _warning: Gearman::Util::send_req's result, false when the write
        # failed.
        my $send = "send_work_$what";
        $sent = $worker->$send($job, $data);
    }
    return {ok => JSON::PP::true} if $sent;
    return {ok => JSON::PP::false, error => "send_work_$what failed" . ($! ? ": $!" : '')};
}

sub check_work_request {
    my ($request) = @_;
    require_string($request, 'server');
    require_count($request->{timeout_ms}, 'work timeout_ms');
    require_count($request->{max_jobs}, 'work max_jobs');
    die "work needs a \"functions\" array\n" unless ref $request->{functions} eq 'ARRAY';
    for my $i (0 .. $#{ $request->{functions} }) {
        my $f = $request->{functions}[$i];
        die "functions[$i] is not an object\n" unless ref $f eq 'HASH';
        die "functions[$i] has no name\n" unless defined field_bytes($f, 'name');
        die "functions[$i].actions is not an array\n" unless ref $f->{actions} eq 'ARRAY';
        for my $j (0 .. $#{ $f->{actions} }) {
            my $a = $f->{actions}[$j];
            my $what = ref $a eq 'HASH' ? $a->{do} // '' : '';
            die "functions[$i].actions[$j]: unknown action \"$what\"\n"
                unless $what =~ /^(complete|fail|exception|status|data|warning|sleep)$/;
            require_count($a->{ms}, "functions[$i].actions[$j].ms") if $what eq 'sleep';
            if ($what eq 'status') {
                require_count($a->{$_}, "functions[$i].actions[$j].$_") for qw(numerator denominator);
            }
        }
    }
}

# Gearman::Worker dies with these texts (Worker.pm work()); a lost connection
# is never reported: the worker reconnects and waits on, so a close ends as a
# timeout.
sub classify_worker_failure {
    my ($text) = @_;
    if ($text =~ /^unexpected packet type: error \[([^\0\]]*?)(?: -- |\0)/) {
        return {error_class => 'server_error', error => 'unexpected packet type: error', server_code => as_text($1)};
    }
    return {error_class => 'protocol_error', error => 'unexpected packet type'}
        if $text =~ /^unexpected packet type/;
    return {error_class => 'protocol_error', error => 'regexp on job_assign failed'}
        if $text =~ /^regexp on job_assign failed/;
    return {error_class => 'other', error => 'Gearman::Worker failure'};
}

my $deadline_text = "gearspec adapter: timeout_ms elapsed\n";

sub work {
    my ($request) = @_;
    check_work_request($request);
    my $max_jobs = $request->{max_jobs};
    my @jobs;
    my $worker = Gearman::Worker->new(job_servers => [$request->{server}]);
    for my $f (@{ $request->{functions} }) {
        my $actions = $f->{actions};
        $worker->register_function(field_bytes($f, 'name') => sub {
            my ($job) = @_;
            # Gearman::Job has no unique: Gearman::Worker grabs with GRAB_JOB,
            # whose JOB_ASSIGN carries none.
            my $record = {steps => []};
            put_bytes($record, 'handle', $job->handle);
            put_bytes($record, 'function', $job->{func});
            put_bytes($record, 'workload', $job->arg);
            push @jobs, $record;
            push @{ $record->{steps} }, run_action($worker, $job, $_) for @$actions;
            return undef;    # the job was answered by its actions
        });
    }
    my $result = {ok => JSON::PP::true};
    if ($max_jobs > 0) {
        # Gearman::Worker has no timeout: after NO_JOB it waits 10 to 12 s in
        # select() before stop_if is asked. An alarm bounds the request; it
        # fires again every 50 ms until work() has unwound, because the
        # worker runs each function inside an eval of its own.
        my ($timed_out, $armed) = (0, 1);
        local $SIG{ALRM} = sub {
            return unless $armed;    # work() is over: nothing left to stop
            $timed_out = 1;
            Time::HiRes::alarm(0.05);
            die $deadline_text;
        };
        Time::HiRes::alarm($request->{timeout_ms} / 1000) if $request->{timeout_ms} > 0;
        $timed_out = 1 if $request->{timeout_ms} == 0;
        eval {
            $worker->work(stop_if => sub { $timed_out || @jobs >= $max_jobs }) unless $timed_out;
            # Inside the eval: an alarm that fires after work() returned is
            # caught here too, never by the request loop.
            $armed = 0;
            Time::HiRes::alarm(0);
            1;
        } or do {
            my $error = $@;
            $armed = 0;
            Time::HiRes::alarm(0);
            $result = failure_from($error, $timed_out, $request->{timeout_ms}, scalar(@jobs), $max_jobs)
                unless $timed_out && @jobs >= $max_jobs;
        };
        $result = failure_from($deadline_text, 1, $request->{timeout_ms}, scalar(@jobs), $max_jobs)
            if $timed_out && @jobs < $max_jobs && $result->{ok};
    }
    close_connections($worker);
    return {jobs => \@jobs, result => $result};
}

sub failure_from {
    my ($error, $timed_out, $timeout_ms, $done, $max_jobs) = @_;
    if ($timed_out || $error eq $deadline_text) {
        return {ok => JSON::PP::false, error_class => 'timeout', error => 'timeout',
                message => "$done of $max_jobs job(s) within $timeout_ms ms (Gearman::Worker has no timeout of its own)"};
    }
    return {ok => JSON::PP::false, %{ classify_worker_failure($error) }, message => message_of($error)};
}

# ---- op status (Gearman::Client::get_status) ---------------------------------

# A JobStatus field as the number a Perl caller computes with (JobStatus
# keeps the server's text; progress() and percent() use it as a number).
sub as_number {
    my ($text) = @_;
    no warnings 'numeric';
    return 0 + ($text // 0);
}

sub status {
    my ($request) = @_;
    require_string($request, 'server');
    my $handle = field_bytes($request, 'handle');
    die "status needs \"handle_b64\" (Gearman::Client has no status by unique)\n" unless defined $handle;
    # get_status reads its reply without a limit (read_res_packet gets no
    # timeout); command_timeout is set as a caller would, and bounds nothing.
    my $client = client_for($request);
    # get_status takes the handle in the form dispatch_background returns:
    # "host:port//H:...".
    my $status = eval { $client->get_status("$request->{server}//$handle") };
    my $error = $@;
    close_connections($client);
    if ($error) {
        my $text = message_of($error);
        if ($error =~ /^Error packet from server after get_status: ([^\0]*)/) {
            return {ok => JSON::PP::false, error_class => 'server_error', error => 'Error packet from server',
                    server_code => as_text($1), message => $text};
        }
        return {ok => JSON::PP::false, error_class => 'other', error => 'Gearman::Client failure',
                message => $text};
    }
    unless (defined $status) {
        return {ok => JSON::PP::false, error_class => 'other', error => 'get_status returned undef',
                message => 'Gearman::Client::get_status returned undef: no connection, no reply, a reply cut '
                    . 'short, a reply other than STATUS_RES, or a STATUS_RES whose handle is empty or "0" '
                    . '(the library does not say which)'};
    }
    # progress() is undef when the numerator is empty.
    my ($numerator, $denominator) = @{ $status->progress // ['', ''] };
    return {ok => JSON::PP::true,
            known => $status->known ? JSON::PP::true : JSON::PP::false,
            running => $status->running ? JSON::PP::true : JSON::PP::false,
            numerator => as_number($numerator),
            denominator => as_number($denominator)};
}

my $line_number = 0;
while (my $line = <STDIN>) {
    ++$line_number;
    next if $line =~ /^\s*$/;
    my $answer = eval {
        my $request = $json->decode($line);
        die "request must be an object with \"id\" and \"op\"\n"
            unless ref $request eq 'HASH' && exists $request->{id} && defined $request->{op};
        if ($request->{op} eq 'hello') {
            return {id => $request->{id}, name => 'Gearman::Client', version => "$Gearman::Client::VERSION",
                    protocol => 2,
                    features => ['background', 'high', 'low', 'handle_readback', 'timeout', 'work', 'status']};
        }
        return {id => $request->{id}, results => submit($request)} if $request->{op} eq 'submit';
        return {id => $request->{id}, %{ work($request) }} if $request->{op} eq 'work';
        return {id => $request->{id}, %{ status($request) }} if $request->{op} eq 'status';
        die "unknown op \"$request->{op}\"\n";
    };
    unless ($answer) {
        print STDERR "gearman-client-adapter.pl: request line $line_number: $@";
        exit 2;
    }
    print $json->encode($answer), "\n";
}
exit 0;
