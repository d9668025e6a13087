#!/usr/bin/perl
# gearspec adapter (protocol v2, docs/conformance.md) for the Perl client
# Gearman::Client (Debian libgearman-client-perl 2.004.015).
# stdout carries protocol answers only; diagnostics go to stderr.
#
# Gearman::Client sends one submit and waits for its reply before the next
# (Taskset::add_task), so feature "batch" is not listed and the jobs of one
# request are dispatched one after another on one client (one connection).
use strict;
use warnings;

use Gearman::Client;
use JSON::PP ();
use MIME::Base64 ();

binmode(STDIN);
binmode(STDOUT);
$| = 1;

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

sub failure {
    my ($text) = @_;
    my $result = classify_failure($text);
    $text =~ s/\0/\\0/g;
    $text =~ s/\s+$//;
    return {ok => JSON::PP::false, %$result, message => as_text($text)};
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
    my %client_options = (job_servers => [$request->{server}]);
    # command_timeout (seconds) bounds each wait for a reply packet.
    $client_options{command_timeout} = $request->{timeout_ms} / 1000 if defined $request->{timeout_ms};
    my $client = Gearman::Client->new(%client_options);
    return [map { submit_one($client, $_) } @{ $request->{jobs} }];
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
                    features => ['background', 'high', 'low', 'handle_readback', 'timeout']};
        }
        return {id => $request->{id}, results => submit($request)} if $request->{op} eq 'submit';
        die "unknown op \"$request->{op}\"\n";
    };
    unless ($answer) {
        print STDERR "gearman-client-adapter.pl: request line $line_number: $@";
        exit 2;
    }
    print $json->encode($answer), "\n";
}
exit 0;
