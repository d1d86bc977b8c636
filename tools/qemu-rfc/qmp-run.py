#!/usr/bin/python3
"""Run one QEMU with QMP on stdio, send commands, print the answers and QEMU's stderr.

Usage: qmp-run.py BINARY 'CMD_JSON;CMD_JSON;...' -- QEMU-ARGS...
  e.g. qmp-run.py ./qemu-system-x86_64 '{"execute":"query-version"}' -- -M none -accel tcg
Adds: -display none -qmp stdio (and -nodefaults is NOT added: pass it yourself).
Prints one line per command: '<- {answer json}', then 'stderr: ...' lines and 'rc: N'.
Standard library only (Debian's python3), no PyPI.
"""
import json
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3 or '--' not in sys.argv:
        print(__doc__, file=sys.stderr)
        return 2
    binary = sys.argv[1]
    cmds = [c for c in sys.argv[2].split(';') if c.strip()]
    qargs = sys.argv[sys.argv.index('--') + 1:]
    p = subprocess.Popen([binary, *qargs, '-display', 'none', '-qmp', 'stdio'],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)

    def read_reply():
        while True:
            line = p.stdout.readline()
            if not line:
                return None
            msg = json.loads(line)
            if 'event' in msg:
                continue
            return msg

    greeting = read_reply()
    if greeting is None:
        p.wait(timeout=30)
        print('(QEMU exited before the QMP greeting)')
    else:
        for c in ['{"execute":"qmp_capabilities"}', *cmds, '{"execute":"quit"}']:
            try:
                p.stdin.write(c + '\n')
                p.stdin.flush()
            except BrokenPipeError:
                print('(QEMU closed QMP before', c, 'was sent)')
                break
            r = read_reply()
            if c not in ('{"execute":"qmp_capabilities"}', '{"execute":"quit"}'):
                print('->', c)
                print('<-', json.dumps(r, sort_keys=True))
            if r is None:
                break
        try:
            p.stdin.close()
        except BrokenPipeError:
            pass
    err = p.stderr.read()
    rc = p.wait(timeout=30)
    for line in err.splitlines():
        print('stderr:', line)
    print('rc:', rc)
    return 0


if __name__ == '__main__':
    sys.exit(main())
