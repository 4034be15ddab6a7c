#!/usr/bin/env bash
# Source this file: run steps at the same time and wait for all of them, failing fast.
#   job NAME COMMAND [ARGS…]   start COMMAND in the background (its own process group), output to a log
#   wait_jobs                  wait for every job: print each one's last lines as it ends; on the
#                              first failure print that job's whole log, stop the others (their
#                              process groups) and exit with its status.
# Used by .ci/run; tested in test/ci/jobs.test.ts.
_job_logs=$(mktemp -d)
_job_pids=()
_job_names=()
_job_files=()
_job_started=$SECONDS
_jobs_cleanup() {
  local p
  for p in "${_job_pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done
  rm -rf "$_job_logs"
}
trap _jobs_cleanup EXIT

job() {
  local name=$1
  shift
  local log="$_job_logs/${#_job_files[@]}.log"
  echo "start: $name"
  set -m
  ( "$@" ) >"$log" 2>&1 &
  set +m
  _job_pids+=("$!")
  _job_names+=("$name")
  _job_files+=("$log")
}

wait_jobs() {
  local done_pid status i
  while [ ${#_job_pids[@]} -gt 0 ]; do
    done_pid=
    set +e
    wait -n -p done_pid "${_job_pids[@]}"
    status=$?
    set -e
    for i in "${!_job_pids[@]}"; do
      [ "${_job_pids[$i]}" = "$done_pid" ] || continue
      if [ "$status" -ne 0 ]; then
        echo "FAILED: ${_job_names[$i]} (exit $status) after $((SECONDS - _job_started)) s; its output:" >&2
        cat "${_job_files[$i]}" >&2
        unset '_job_pids[i]'
        exit "$status"
      fi
      echo "done: ${_job_names[$i]} ($((SECONDS - _job_started)) s)"
      grep -v '^$' "${_job_files[$i]}" | tail -n 3 | sed 's/^/  /' || true
      unset '_job_pids[i]' '_job_names[i]' '_job_files[i]'
    done
    _job_pids=("${_job_pids[@]}")
    _job_names=("${_job_names[@]}")
    _job_files=("${_job_files[@]}")
  done
}
