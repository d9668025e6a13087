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

// "host:port" of a request, split; InvalidArgumentException otherwise.
function host_port(array $request, string $op): array {
    if (!isset($request['server']) || !is_string($request['server'])) throw new InvalidArgumentException("$op needs a string \"server\"");
    $colon = strrpos($request['server'], ':');
    if ($colon === false) throw new InvalidArgumentException("server \"{$request['server']}\" is not host:port");
    return [substr($request['server'], 0, $colon), (int)substr($request['server'], $colon + 1)];
}

// $object->addServer(...$args) on a GearmanClient or GearmanWorker: null when
// it worked, else the failure. With the "exceptions" option (the default of
// both classes) the extension sends OPTION_REQ right away and throws when that
// fails, leaving returnCode() at SUCCESS and the code only in error().
function add_server($object, array $args): ?array {
    try {
        if ($object->addServer(...$args)) return null;
        return failure($object->returnCode(), (string)$object->error());
    } catch (GearmanException $e) {
        $message = get_class($e) . ': ' . $e->getMessage() . ' (' . $object->error() . ')';
        return failure(code_in_message((string)$object->error()), $message);
    }
}

function submit(array $request): array {
    check_request($request);
    [$host, $port] = host_port($request, 'submit');
    $client = new GearmanClient();
    if (isset($request['timeout_ms'])) $client->setTimeout((int)$request['timeout_ms']);
    $failure = add_server($client, [$host, $port]);
    if ($failure !== null) return array_fill(0, count($request['jobs']), $failure);
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

// A byte field that must be present and valid: <name>_b64 or the text.
function required_bytes(array $object, string $name, string $where): string {
    foreach ([$name, $name . '_b64'] as $field)
        if (isset($object[$field]) && !is_string($object[$field])) throw new InvalidArgumentException("$where.$field must be a string");
    $bytes = field_bytes($object, $name);
    if ($bytes === false) throw new InvalidArgumentException("$where.{$name}_b64 is not base64");
    if ($bytes === null) throw new InvalidArgumentException("$where has no $name");
    return $bytes;
}

// Calls $call and returns [its result, the text of the last E_WARNING it
// raised or null]: the extension reports many failures only as a warning.
function catching_warning(callable $call): array {
    $warning = null;
    set_error_handler(function (int $level, string $text) use (&$warning) { $warning = $text; return true; }, E_WARNING);
    try {
        return [$call(), $warning];
    } finally {
        restore_error_handler();
    }
}

// One status request: GearmanClient::jobStatus (GET_STATUS) or
// jobStatusByUniqueKey (GET_STATUS_UNIQUE) on a fresh client. addServer is
// told not to set up the exceptions option: polling a status needs no
// OPTION_REQ, and the request is the only packet the library then sends.
function status(array $request): array {
    [$host, $port] = host_port($request, 'status');
    $by_unique = isset($request['unique_b64']) || isset($request['unique']);
    $key = required_bytes($request, $by_unique ? 'unique' : 'handle', 'status');
    $client = new GearmanClient();
    if (isset($request['timeout_ms'])) $client->setTimeout((int)$request['timeout_ms']);
    $failure = add_server($client, [$host, $port, false]);
    if ($failure !== null) return $failure;
    // The extension reports a failed poll only as an E_WARNING holding
    // libgearman's text (and, by handle, in returnCode()); it still returns
    // an array of four zeros/falses, so the warning is what tells them apart.
    [$fields, $warning] = catching_warning(fn() => $by_unique ? $client->jobStatusByUniqueKey($key) : $client->jobStatus($key));
    if ($warning !== null || !is_array($fields) || count($fields) !== 4) {
        $message = (string)$client->error();
        if ($message === '') $message = (string)$warning;
        $rc = $client->returnCode();
        if ($rc === GEARMAN_SUCCESS) $rc = code_in_message($message);
        return failure($rc, $message);
    }
    [$known, $running, $numerator, $denominator] = $fields;
    return ['ok' => true, 'known' => (bool)$known, 'running' => (bool)$running,
            'numerator' => (int)$numerator, 'denominator' => (int)$denominator];
}

// A work request's functions: name bytes and the checked list of actions.
function work_functions(array $request): array {
    if (!isset($request['functions']) || !is_array($request['functions']) || count($request['functions']) === 0)
        throw new InvalidArgumentException('work needs a non-empty "functions" array');
    $functions = [];
    foreach ($request['functions'] as $i => $f) {
        $where = "functions[$i]";
        if (!is_array($f)) throw new InvalidArgumentException("$where is not an object");
        $name = required_bytes($f, 'name', $where);
        if (!isset($f['actions']) || !is_array($f['actions'])) throw new InvalidArgumentException("$where needs an \"actions\" array");
        $actions = [];
        foreach ($f['actions'] as $k => $a) {
            $at = "$where.actions[$k]";
            if (!is_array($a) || !isset($a['do']) || !is_string($a['do'])) throw new InvalidArgumentException("$at must be an object with a string \"do\"");
            if (in_array($a['do'], ['complete', 'exception', 'data', 'warning'], true)) {
                $a['bytes'] = required_bytes($a + ['data' => ''], 'data', $at);
            } elseif ($a['do'] === 'status') {
                foreach (['numerator', 'denominator'] as $n)
                    if (!isset($a[$n]) || !is_int($a[$n]) || $a[$n] < 0 || $a[$n] > 4294967295)
                        throw new InvalidArgumentException("$at.$n must be a number 0..4294967295");
            } elseif ($a['do'] === 'sleep') {
                if (!isset($a['ms']) || !is_int($a['ms']) || $a['ms'] < 0) throw new InvalidArgumentException("$at.ms must be a number of milliseconds");
            } elseif ($a['do'] !== 'fail') {
                throw new InvalidArgumentException("$at.do \"{$a['do']}\" is not an action");
            }
            $actions[] = $a;
        }
        $functions[] = ['name' => $name, 'actions' => $actions];
    }
    return $functions;
}

// One action with the GearmanJob call it names; the step is what the call
// returned (false: returnCode() and the warning the extension emitted).
function run_action(GearmanJob $job, array $a): array {
    [$ok, $warning] = catching_warning(function () use ($job, $a) {
        switch ($a['do']) {
            case 'complete': return $job->sendComplete($a['bytes']);
            case 'fail': return $job->sendFail();
            case 'exception': return $job->sendException($a['bytes']);
            case 'status': return $job->sendStatus($a['numerator'], $a['denominator']);
            case 'data': return $job->sendData($a['bytes']);
            case 'warning': return $job->sendWarning($a['bytes']);
        }
        usleep($a['ms'] * 1000);  // sleep
        return true;
    });
    if ($ok === true) return ['ok' => true];
    $step = ['ok' => false, 'error' => return_name($job->returnCode())];
    if ($warning !== null) $step['message'] = $warning;
    return $step;
}

// One work request: a fresh GearmanWorker registers the functions and takes
// jobs with work() until max_jobs are done or the library gives up;
// timeout_ms bounds the whole request (setTimeout bounds one wait, so each
// work() gets what is left). The callback returns nothing: the actions'
// own calls answer the job, as a PHP worker that sends its result does.
function work(array $request): array {
    [$host, $port] = host_port($request, 'work');
    $functions = work_functions($request);
    $max_jobs = $request['max_jobs'] ?? 1;
    if (!is_int($max_jobs) || $max_jobs < 0) throw new InvalidArgumentException('work: max_jobs must be a number >= 0');
    $timeout_ms = isset($request['timeout_ms']) ? (int)$request['timeout_ms'] : null;
    $jobs = [];
    $worker = new GearmanWorker();
    // GearmanWorker::addServer takes no option, yet sets "exceptions" too.
    $result = add_server($worker, [$host, $port]) ?? ['ok' => true];
    foreach ($functions as $f) {
        if (!$result['ok']) break;
        $actions = $f['actions'];
        $registered = $worker->addFunction($f['name'], function (GearmanJob $job) use ($actions, &$jobs) {
            $record = [];
            put_bytes($record, 'handle', (string)$job->handle());
            put_bytes($record, 'function', (string)$job->functionName());
            put_bytes($record, 'unique', (string)$job->unique());
            put_bytes($record, 'workload', (string)$job->workload());
            $record['steps'] = [];
            foreach ($actions as $a) $record['steps'][] = run_action($job, $a);
            $jobs[] = $record;
        });
        if (!$registered) $result = failure($worker->returnCode(), (string)$worker->error());
    }
    $deadline = $timeout_ms === null ? null : hrtime(true) + $timeout_ms * 1000000;
    for ($done = 0; $result['ok'] && $done < $max_jobs; ++$done) {
        if ($deadline !== null) $worker->setTimeout(max(1, intdiv($deadline - hrtime(true), 1000000)));
        [$worked, $warning] = catching_warning(fn() => $worker->work());
        if (!$worked) {
            $message = (string)$worker->error();
            $result = failure($worker->returnCode(), $message !== '' ? $message : (string)$warning);
        }
    }
    unset($worker);  // closes its connections before the answer is written
    return ['jobs' => $jobs, 'result' => $result];
}

function answer(array $request) {
    if (!array_key_exists('id', $request) || !isset($request['op'])) throw new InvalidArgumentException('request must be an object with "id" and "op"');
    if ($request['op'] === 'hello') {
        return ['id' => $request['id'], 'name' => 'php-gearman', 'version' => phpversion('gearman'), 'protocol' => 2,
                'features' => ['background', 'high', 'low', 'batch', 'unique_readback', 'handle_readback', 'timeout',
                              'status', 'status_unique', 'work']];
    }
    if ($request['op'] === 'submit') return ['id' => $request['id'], 'results' => submit($request)];
    if ($request['op'] === 'status') return ['id' => $request['id']] + status($request);
    if ($request['op'] === 'work') return ['id' => $request['id']] + work($request);
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
