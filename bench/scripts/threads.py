"""Per-thread CPU and context switches of a process over a window: threads.py PID SECONDS."""
import os
import sys
import time


def snapshot(pid):
    seen = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
            name = stat[stat.index('(') + 1:stat.rindex(')')]
            fields = stat[stat.rindex(')') + 2:].split()
            switches = {}
            for line in open(f'/proc/{pid}/task/{tid}/status'):
                if 'ctxt_switches' in line:
                    key, value = line.split(':')
                    switches[key] = int(value)
            seen[tid] = (name, int(fields[11]) + int(fields[12]), switches.get('voluntary_ctxt_switches', 0),
                         switches.get('nonvoluntary_ctxt_switches', 0))
        except (OSError, ValueError):
            pass  # the thread ended between the listing and the read
    return seen


def main():
    pid, seconds = sys.argv[1], float(sys.argv[2])
    before = snapshot(pid)
    time.sleep(seconds)
    after = snapshot(pid)
    tick = os.sysconf('SC_CLK_TCK')
    rows = sorted(((cpu - before[t][1], name, vol - before[t][2], invol - before[t][3])
                   for t, (name, cpu, vol, invol) in after.items() if t in before), reverse=True)
    for cpu, name, vol, invol in rows[:12]:
        print(f'{name:24s} cpu {cpu / tick / seconds:.3f} cores  voluntary {vol / seconds:8.0f}/s'
              f'  involuntary {invol / seconds:8.0f}/s')


if __name__ == '__main__':
    main()
