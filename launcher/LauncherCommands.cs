using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Launcher.Bench;
using CapOS.Launcher.Plug;

namespace CapOS.Launcher;

/// <summary>
/// The command tree (System.CommandLine). The verbs' work is passed in, so parsing is unit-tested with
/// fakes: <c>build</c> and <c>run [--gdb] [--iso] [--append TEXT] [--timeout S] [--accel tcg|kvm|auto]
/// [--no-build] [--deterministic] [--debug-log FILE] [--disk IMG | --no-disk]</c> and <c>test [dotnet test args]</c> (which the bash
/// bootstrap runs itself, without building the launcher first).
/// </summary>
public static class LauncherCommands
{
    /// <summary>Builds the root command.</summary>
    /// <param name="build">Runs the build; returns the exit code.</param>
    /// <param name="run">Runs QEMU; returns the exit code.</param>
    /// <param name="test">Runs the tests with extra <c>dotnet test</c> arguments; returns the exit code.</param>
    /// <param name="plug">Runs the power-loss campaign (docs/plug.md); the verb exists only when given.</param>
    /// <param name="bench">Runs <c>bench checkpoint</c> or <c>bench faults</c> (docs/bench.md); the verb exists only when given.</param>
    /// <param name="fuzz">Runs the invocation fuzzer (docs/fuzz.md); the verb exists only when given.</param>
    public static RootCommand Create(Func<CancellationToken, Task<int>> build,
        Func<RunRequest, CancellationToken, Task<int>> run,
        Func<IReadOnlyList<string>, CancellationToken, Task<int>> test,
        Func<PlugRequest, CancellationToken, Task<int>>? plug = null,
        Func<BenchRequest, CancellationToken, Task<int>>? bench = null,
        Func<Fuzz.FuzzRequest, CancellationToken, Task<int>>? fuzz = null)
    {
        var root = new RootCommand("CapOS launcher: build the system and boot it in QEMU (docs/launcher.md).");
        var buildCommand = new Command("build", "Build everything: dotnet build CapOS.sln (kernel ELF, user programs, tools, tests).");
        buildCommand.SetAction((_, cancel) => build(cancel));
        root.Add(buildCommand);
        root.Add(CreateRun(run));
        var testCommand = new Command("test", "Run every test: dotnet test CapOS.sln [args] (host, imagegen and QEMU boot tests).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        testCommand.SetAction((result, cancel) => test(result.UnmatchedTokens, cancel));
        root.Add(testCommand);
        if (plug is not null)
        {
            root.Add(PlugCommand.Create(plug));
        }
        if (bench is not null)
        {
            root.Add(BenchCommand.Create(bench));
        }
        if (fuzz is not null)
        {
            root.Add(Fuzz.FuzzCommand.Create(fuzz));
        }
        return root;
    }

    private static Command CreateRun(Func<RunRequest, CancellationToken, Task<int>> run)
    {
        var gdb = new Option<bool>("--gdb") { Description = "Start stopped with a gdb stub on :1234 (QEMU -s -S)." };
        var iso = new Option<bool>("--iso") { Description = "Boot artifacts/capos.iso through GRUB (Multiboot2)." };
        var append = new Option<string?>("--append") { Description = "The kernel command line, e.g. \"exit-when-idle\".", HelpName = "text" };
        var timeout = new Option<double?>("--timeout") { Description = "Kill QEMU after this many seconds.", HelpName = "seconds" };
        var accel = new Option<AcceleratorRequest>("--accel")
        {
            Description = "tcg, kvm, or auto: KVM only if a probe boot showed it runs the kernel (cached in artifacts/).",
            DefaultValueFactory = _ => AcceleratorRequest.Auto,
            HelpName = "tcg|kvm|auto",
        };
        var noBuild = new Option<bool>("--no-build") { Description = "Boot what is in artifacts/ without building first." };
        var deterministic = new Option<bool>("--deterministic") { Description = "Instruction counting, virtual clock: repeatable runs (QEMU -icount shift=0)." };
        var debugLog = new Option<string?>("--debug-log") { Description = "Log interrupts and CPU resets to this file (QEMU -d int,cpu_reset).", HelpName = "file" };
        var disk = new Option<string?>("--disk") { Description = "Boot this raw disk image in place (default: the persistent disk, disk/capos.img).", HelpName = "img" };
        var noDisk = new Option<bool>("--no-disk") { Description = "Boot without a disk (the kernel refuses: boot is recovery)." };
        var fresh = new Option<bool>("--fresh") { Description = "Start afresh: replace disk/capos.img with a new copy of the pristine image (the old disk is kept as disk/capos.img.previous)." };
        var command = new Command("run", "Build if needed, then boot CapOS in QEMU with the serial console here. Exit code = the guest's exit value.")
        {
            gdb, iso, append, timeout, accel, noBuild, deterministic, debugLog, disk, noDisk, fresh,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(iso) && result.GetValue(append) is not null)
            {
                result.AddError("--append needs a -kernel boot; the ISO's command line is in its grub.cfg");
            }
            if (result.GetValue(disk) is not null && result.GetValue(noDisk))
            {
                result.AddError("--disk and --no-disk exclude each other");
            }
            if (result.GetValue(fresh) && (result.GetValue(disk) is not null || result.GetValue(noDisk)))
            {
                result.AddError("--fresh renews the persistent disk; it excludes --disk and --no-disk");
            }
            if (result.GetValue(timeout) is double seconds && !(seconds > 0))
            {
                result.AddError("--timeout must be positive");
            }
        });
        command.SetAction((result, cancel) => run(
            new RunRequest(
                Gdb: result.GetValue(gdb),
                Iso: result.GetValue(iso),
                Append: result.GetValue(append),
                TimeoutSeconds: result.GetValue(timeout),
                Accelerator: result.GetValue(accel),
                NoBuild: result.GetValue(noBuild),
                Deterministic: result.GetValue(deterministic),
                DebugLog: result.GetValue(debugLog),
                Disk: result.GetValue(disk),
                NoDisk: result.GetValue(noDisk),
                Fresh: result.GetValue(fresh)),
            cancel));
        return command;
    }
}
