# Instruction profile of one trip through the kernel, by gdb single steps (docs/bench.md "What was tried").
#
# Load into gdb attached to a QEMU gdb stub (best under icount: `./capos run --gdb --deterministic ...`), then:
#   stepi-profile --break ipcbench_invoke_batch:syscall --user-elf artifacts/user/ipcbench.elf --skip 100
# It sets a hardware breakpoint on the instruction given (a user one of --user-elf, or a kernel entry such as
# trap_stub_14: a faulting user instruction is stepped over whole by QEMU), continues past --skip hits, then
# single-steps until the program counter is back in user space (below --user-below), and prints
# the instructions spent in each kernel function (PCs mapped with `nm -n` of --kernel-elf), in the order
# they were first entered. --runs N profiles N consecutive hits (their totals should repeat exactly); --trace
# prints every PC; --kill ends QEMU afterwards; --through-user steps on through other user code (another
# process: the server of an IPC round trip, counted as "(user)") until the instruction after the breakpoint.
# QEMU's gdb stub steps with interrupts and timers masked, so a profile is the path itself.

import argparse
import bisect
import shlex
import subprocess

import gdb


def read_symbols(elf):
    """(addresses, names) of the text symbols of elf, sorted; nasm's local labels (f.label) fold into f."""
    out = subprocess.run(["nm", "-n", "--defined-only", elf], check=True, capture_output=True, text=True).stdout
    addresses, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tTwW":
            continue
        address, name = int(parts[0], 16), parts[2]
        if names and (name.startswith(names[-1] + ".") or name.startswith("..@")):
            continue  # f.label, and nasm's macro-local labels (..@N.label), belong to the function before them
        addresses.append(address)
        names.append(name)
    if not addresses:
        raise gdb.GdbError(f"stepi-profile: no text symbols in {elf}")
    return addresses, names


def resolve_break(spec, user_elf, kernel_elf):
    """A hex address, SYMBOL[+OFFSET], or SYMBOL:MNEMONIC (the first such instruction in SYMBOL) of user_elf, or of
    kernel_elf without user_elf (a kernel entry such as trap_stub_14: the profile starts there)."""
    try:
        return int(spec, 0)
    except ValueError:
        pass
    elf = user_elf if user_elf is not None else kernel_elf
    mnemonic = None
    if ":" in spec:
        spec, mnemonic = spec.split(":", 1)
    offset = 0
    if "+" in spec:
        spec, text = spec.split("+", 1)
        offset = int(text, 0)
    addresses, names = read_symbols(elf)
    if spec not in names:
        raise gdb.GdbError(f"stepi-profile: no symbol {spec} in {elf}")
    index = names.index(spec)
    start = addresses[index] + offset
    if mnemonic is None:
        return start
    end = addresses[index + 1] if index + 1 < len(addresses) else start + 4096
    dump = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--start-address={start}",
                           f"--stop-address={end}", elf], check=True, capture_output=True, text=True).stdout
    for line in dump.splitlines():
        fields = line.split(":", 1)
        if len(fields) == 2 and fields[1].split() and fields[1].split()[0] == mnemonic:
            return int(fields[0].strip(), 16)
    raise gdb.GdbError(f"stepi-profile: no {mnemonic} in {spec} of {elf}")


def next_instruction(address):
    """The address of the instruction after the one at address (gdb's disassembler)."""
    second = gdb.execute(f"x/2i {address:#x}", to_string=True).splitlines()[1]
    return int(second.replace("=>", "").split()[0].rstrip(":"), 16)


def pc():
    return int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF


class StepiProfile(gdb.Command):
    """stepi-profile --break WHERE [--user-elf ELF] [--kernel-elf ELF] [--skip N] [--runs N] [--max N]
    [--user-below ADDR] [--trace] [--kill] [--through-user]: instructions per kernel function from WHERE back to user space."""

    def __init__(self):
        super().__init__("stepi-profile", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        parser = argparse.ArgumentParser(prog="stepi-profile", add_help=False)
        parser.add_argument("--break", dest="where", required=True)
        parser.add_argument("--user-elf")
        parser.add_argument("--kernel-elf", default="artifacts/kernel/kernel.elf")
        parser.add_argument("--skip", type=int, default=0)
        parser.add_argument("--runs", type=int, default=1)
        parser.add_argument("--max", type=int, default=200000)
        parser.add_argument("--user-below", type=lambda t: int(t, 0), default=0x0000800000000000)
        parser.add_argument("--trace", action="store_true")
        parser.add_argument("--kill", action="store_true")
        parser.add_argument("--through-user", action="store_true")
        try:
            options = parser.parse_args(shlex.split(argument))
        except SystemExit:
            raise gdb.GdbError("stepi-profile: bad arguments (see the command's help)")
        if options.skip < 0 or options.runs < 1 or options.max < 1:
            raise gdb.GdbError("stepi-profile: --skip >= 0, --runs >= 1, --max >= 1")
        addresses, names = read_symbols(options.kernel_elf)
        where = resolve_break(options.where, options.user_elf, options.kernel_elf)

        gdb.execute("set suppress-cli-notifications on")  # no stop line printed per step
        breakpoint = gdb.Breakpoint(f"*{where:#x}", type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
        try:
            for _ in range(options.skip + 1):
                gdb.execute("continue", to_string=True)
                if pc() != where:
                    raise gdb.GdbError(f"stepi-profile: stopped at {pc():#x}, not at the breakpoint {where:#x}")
            totals = []
            for run in range(options.runs):
                if run > 0:
                    gdb.execute("continue", to_string=True)
                totals.append(self.profile(options, addresses, names, where, run))
            if options.runs > 1:
                same = "every run the same" if len(set(totals)) == 1 else "NOT the same"
                print(f"stepi-profile: totals {' '.join(map(str, totals))} ({same})")
        finally:
            breakpoint.delete()
            gdb.execute("set suppress-cli-notifications off")
            if options.kill:
                gdb.execute("kill")  # QEMU ends (else it runs on after gdb detaches)

    @staticmethod
    def profile(options, addresses, names, where, run):
        counts = {}
        entries = {}
        order = []
        previous = None
        kernel = 0
        steps = 0
        from_user = where < options.user_below
        after = next_instruction(where) if from_user else None
        if from_user:
            gdb.execute("stepi", to_string=True)   # the user instruction itself (the syscall)
            steps += 1
        while True:
            address = pc()
            if address < options.user_below and (not options.through_user or address == after):
                break
            if steps >= options.max:
                raise gdb.GdbError(f"stepi-profile: still in the kernel after {steps} steps (at {address:#x})")
            index = bisect.bisect_right(addresses, address) - 1
            if address < options.user_below:
                name = "(user)"
            else:
                name = names[index] if index >= 0 else f"?{address:#x}"
            if name not in counts:
                counts[name] = 0
                entries[name] = 0
                order.append(name)
            counts[name] += 1
            if name != previous:
                entries[name] += 1
                previous = name
            if options.trace:
                print(f"  {kernel:5} {address:#018x} {name}")
            kernel += 1
            gdb.execute("stepi", to_string=True)
            steps += 1
        first = "1 user instruction + " if from_user else ""
        print(f"stepi-profile: run {run + 1}: from {where:#x}: {first}{kernel} instructions, back in user space at {address:#x}")
        print(f"  {'instructions':>12} {'entries':>7}  function (first entered first)")
        for name in order:
            print(f"  {counts[name]:12} {entries[name]:7}  {name}")
        return kernel


StepiProfile()
