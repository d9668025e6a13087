#!/usr/bin/perl
# gearspec adapter (protocol v1, shared/spec/ADAPTER.md) for the Perl client
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

# Bytes from the library (handles, texts) as characters for the JSON answer:
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
    if (defined $job->{unique}) {
        my $unique = $job->{unique};
        utf8::encode($unique);
        $options{uniq} = $unique;
    }
    my $fail_reason;
    $options{on_fail} = sub { $fail_reason = $_[0] // 'failed without a reason' };
    my $function = $job->{function};
    utf8::encode($function);
    my $handle = eval { $client->dispatch_background($function, \$workload, \%options) };
    return failure($@) if $@;
    return failure($fail_reason // 'dispatch_background returned undef') unless defined $handle;
    return {ok => JSON::PP::true, handle => as_text(server_handle($handle))};
}

sub submit {
    my ($request) = @_;
    die "submit needs a \"jobs\" array\n" unless ref $request->{jobs} eq 'ARRAY';
    die "submit needs a string \"server\"\n" unless defined $request->{server} && !ref $request->{server};
    for my $i (0 .. $#{ $request->{jobs} }) {
        my $job = $request->{jobs}[$i];
        die "jobs[$i] is not an object\n" unless ref $job eq 'HASH';
        die "jobs[$i].function must be a string\n" unless defined $job->{function} && !ref $job->{function};
        my $priority = $job->{priority} // 'normal';
        die "jobs[$i].priority must be normal, high or low\n" unless $priority =~ /^(normal|high|low)$/;
        die "jobs[$i].background=false: protocol v1 adapters submit background jobs only\n"
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
