<?php
// gearspec adapter (protocol v2, docs/conformance.md) for PHP's
// GearmanClient (pecl gearman 2.1.0, Debian php-gearman, built on libgearman).
// stdout carries protocol answers only; diagnostics (PHP warnings included)
// go to stderr.
//
// Jobs of one request are queued with addTask*Background and sent by one
// runTasks() (feature "batch"), as libgearman's own add_task/run_tasks does.

ini_set('display_errors', 'stderr');
ini_set('log_errors', '0');
error_reporting(E_ALL);

// gearman_return_t names by value (WIRE.md section 5): the extension exposes
// the values as constants but no gearman_strerror().
const RETURN_NAMES = [
    'SUCCESS', 'IO_WAIT', 'SHUTDOWN', 'SHUTDOWN_GRACEFUL', 'ERRNO', 'EVENT', 'TOO_MANY_ARGS',
    'NO_ACTIVE_FDS', 'INVALID_MAGIC', 'INVALID_COMMAND', 'INVALID_PACKET', 'UNEXPECTED_PACKET',
    'GETADDRINFO', 'NO_SERVERS', 'LOST_CONNECTION', 'MEMORY_ALLOCATION_FAILURE', 'JOB_EXISTS',
    'JOB_QUEUE_FULL', 'SERVER_ERROR', 'WORK_ERROR', 'WORK_DATA', 'WORK_WARNING', 'WORK_STATUS',
    'WORK_EXCEPTION', 'WORK_FAIL', 'NOT_CONNECTED', 'COULD_NOT_CONNECT', 'SEND_IN_PROGRESS',
    'RECV_IN_PROGRESS', 'NOT_FLUSHING', 'DATA_TOO_LARGE', 'INVALID_FUNCTION_NAME',
    'INVALID_WORKER_FUNCTION', 'NO_REGISTERED_FUNCTION', 'NO_REGISTERED_FUNCTIONS', 'NO_JOBS',
    'ECHO_DATA_CORRUPTION', 'NEED_WORKLOAD_FN', 'PAUSE', 'UNKNOWN_STATE', 'PTHREAD', 'PIPE_EOF',
    'QUEUE_ERROR', 'FLUSH_DATA', 'SEND_BUFFER_TOO_SMALL', 'IGNORE_PACKET', 'UNKNOWN_OPTION',
    'TIMEOUT', 'ARGUMENT_TOO_LARGE', 'INVALID_ARGUMENT', 'IN_PROGRESS', 'INVALID_SERVER_OPTION',
    'JOB_NOT_FOUND',
];

function return_name(int $rc): string {
    return 'GEARMAN_' . (RETURN_NAMES[$rc] ?? 'MAX_RETURN');
}

function error_class_of(int $rc): string {
    switch ($rc) {
        case GEARMAN_COULD_NOT_CONNECT: case GEARMAN_GETADDRINFO: case GEARMAN_NO_SERVERS:
            return 'could_not_connect';
        case GEARMAN_LOST_CONNECTION: case GEARMAN_PIPE_EOF:
            return 'lost_connection';
        case GEARMAN_TIMEOUT:
            return 'timeout';
        case GEARMAN_INVALID_MAGIC: case GEARMAN_INVALID_COMMAND: case GEARMAN_INVALID_PACKET:
        case GEARMAN_UNEXPECTED_PACKET: case GEARMAN_TOO_MANY_ARGS:
            return 'protocol_error';
        default:
            return 'other';
    }
}

// libgearman words a server ERROR packet as
// "_client_run_tasks(GEARMAN_X) CODE:TEXT -> libgearman/client.cc:NNNN: pid(N)".
function failure(int $rc, string $message): array {
    $result = ['ok' => false, 'error' => return_name($rc), 'message' => $message];
    if (preg_match('/_client_run_tasks\([A-Z_]+\) ([^:]*):.* -> /s', $message, $m)) {
        return $result + ['error_class' => 'server_error', 'server_code' => $m[1]];
    }
    return $result + ['error_class' => error_class_of($rc)];
}

// A request's byte field: <name>_b64 (protocol v2) when present, else the v1
// text (PHP strings are bytes either way); null when both are absent or null.
function field_bytes(array $job, string $name): ?string {
    if (isset($job[$name . '_b64'])) return base64_decode($job[$name . '_b64'], true);
    return $job[$name] ?? null;
}

// A result's byte field: <name>_b64 always, and the text when it is UTF-8.
function put_bytes(array &$result, string $name, string $bytes): void {
    $result[$name . '_b64'] = base64_encode($bytes);
    if (preg_match('//u', $bytes) === 1) $result[$name] = $bytes;  // false: not UTF-8
}

function check_request(array $request): void {
    if (!isset($request['jobs']) || !is_array($request['jobs'])) throw new InvalidArgumentException('submit needs a "jobs" array');
    if (!isset($request['server']) || !is_string($request['server'])) throw new InvalidArgumentException('submit needs a string "server"');
    foreach ($request['jobs'] as $i => $job) {
        if (!is_array($job)) throw new InvalidArgumentException("jobs[$i] is not an object");
        foreach (['function', 'function_b64', 'unique', 'unique_b64'] as $field)
            if (isset($job[$field]) && !is_string($job[$field])) throw new InvalidArgumentException("jobs[$i].$field must be a string");
        if (!isset($job['function']) && !isset($job['function_b64'])) throw new InvalidArgumentException("jobs[$i] has no function");
        foreach (['function_b64', 'unique_b64'] as $field)
            if (isset($job[$field]) && base64_decode($job[$field], true) === false)
                throw new InvalidArgumentException("jobs[$i].$field is not base64");
        if (!in_array($job['priority'] ?? 'normal', ['normal', 'high', 'low'], true))
            throw new InvalidArgumentException("jobs[$i].priority must be normal, high or low");
        if (array_key_exists('background', $job) && $job['background'] === false)
            throw new InvalidArgumentException("jobs[$i].background=false: this adapter submits background jobs only");
        if (base64_decode($job['workload_b64'] ?? '', true) === false)
            throw new InvalidArgumentException("jobs[$i].workload_b64 is not base64");
    }
}

// The return code named in a libgearman error text ("flush(GEARMAN_COULD_NOT_CONNECT) ..."),
// for failures reported by exception, where returnCode() still reads SUCCESS.
function code_in_message(string $message): int {
    if (preg_match('/\(GEARMAN_([A-Z_]+)\)/', $message, $m)) {
        $rc = array_search($m[1], RETURN_NAMES, true);
        if ($rc !== false) return $rc;
    }
    return GEARMAN_UNKNOWN_STATE;
}

function add_task(GearmanClient $client, array $job, int $index) {
    $method = ['high' => 'addTaskHighBackground', 'low' => 'addTaskLowBackground'][$job['priority'] ?? 'normal']
        ?? 'addTaskBackground';
    $workload = base64_decode($job['workload_b64'] ?? '', true);
    $function = field_bytes($job, 'function');
    $unique = field_bytes($job, 'unique');
    // absent or null: the unique argument is left out (library default).
    if ($unique !== null) return $client->$method($function, $workload, $index, $unique);
    return $client->$method($function, $workload, $index);
}

function submit(array $request): array {
    check_request($request);
    $colon = strrpos($request['server'], ':');
    if ($colon === false) throw new InvalidArgumentException("server \"{$request['server']}\" is not host:port");
    $client = new GearmanClient();
    if (isset($request['timeout_ms'])) $client->setTimeout((int)$request['timeout_ms']);
    try {
        // addServer with its defaults: the extension sends OPTION_REQ
        // "exceptions" right away and throws when that fails.
        $added = $client->addServer(substr($request['server'], 0, $colon), (int)substr($request['server'], $colon + 1));
    } catch (GearmanException $e) {
        $message = get_class($e) . ': ' . $e->getMessage() . ' (' . $client->error() . ')';
        $failure = failure(code_in_message((string)$client->error()), $message);
        return array_fill(0, count($request['jobs']), $failure);
    }
    if (!$added) {
        return array_fill(0, count($request['jobs']), failure($client->returnCode(), (string)$client->error()));
    }
    // The extension frees each task once it is done, so its handle and unique
    // are read in the JOB_CREATED callback; the context is the job's index.
    $created = [];
    $client->setCreatedCallback(function (GearmanTask $task, $index) use (&$created) {
        $result = ['ok' => true];
        put_bytes($result, 'handle', (string)$task->jobHandle());
        put_bytes($result, 'unique', (string)$task->unique());
        $created[$index] = $result;
    });
    $rejected = [];
    $any_task = false;
    foreach ($request['jobs'] as $i => $job) {
        if (add_task($client, $job, $i) === false) {
            $rejected[$i] = ['error_class' => 'invalid_argument'] + failure($client->returnCode(), (string)$client->error());
        } else {
            $any_task = true;
        }
    }
    $run_ok = $any_task ? $client->runTasks() : true;
    $run_rc = $client->returnCode();
    $run_message = (string)$client->error();
    $results = [];
    foreach ($request['jobs'] as $i => $job) {
        if (isset($rejected[$i])) $results[] = $rejected[$i];
        elseif (isset($created[$i])) $results[] = $created[$i];
        // No JOB_CREATED for this task: runTasks' code says why.
        else $results[] = failure($run_ok ? GEARMAN_UNKNOWN_STATE : $run_rc, $run_message);
    }
    return $results;
}

function answer(array $request) {
    if (!array_key_exists('id', $request) || !isset($request['op'])) throw new InvalidArgumentException('request must be an object with "id" and "op"');
    if ($request['op'] === 'hello') {
        return ['id' => $request['id'], 'name' => 'php-gearman', 'version' => phpversion('gearman'), 'protocol' => 2,
                'features' => ['background', 'high', 'low', 'batch', 'unique_readback', 'handle_readback', 'timeout']];
    }
    if ($request['op'] === 'submit') return ['id' => $request['id'], 'results' => submit($request)];
    throw new InvalidArgumentException("unknown op \"{$request['op']}\"");
}

$line_number = 0;
while (($line = fgets(STDIN)) !== false) {
    ++$line_number;
    if (trim($line) === '') continue;
    try {
        $request = json_decode($line, true, 64, JSON_THROW_ON_ERROR);
        if (!is_array($request)) throw new InvalidArgumentException('request is not a JSON object');
        fwrite(STDOUT, json_encode(answer($request), JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES) . "\n");
        fflush(STDOUT);
    } catch (Throwable $e) {
        fwrite(STDERR, "gearman-client-adapter.php: request line $line_number: " . $e->getMessage() . "\n");
        exit(2);
    }
}
exit(0);
