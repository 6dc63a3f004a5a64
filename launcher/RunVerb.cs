using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher;

/// <summary>
/// <c>capos run</c>: build, choose the accelerator, boot QEMU through the harness with the serial console
/// copied to stdout, and return the guest's exit value (docs/launcher.md, "run").
/// </summary>
public static class RunVerb
{
    /// <summary>The gdb command line that attaches to <c>run --gdb</c>.</summary>
    public const string GdbLine = "gdb artifacts/kernel/kernel.elf -ex 'target remote :1234'";

    /// <summary>Runs the verb.</summary>
    public static async Task<int> RunAsync(RepositoryLayout layout, RunRequest request, CancellationToken cancel)
    {
        if (!request.NoBuild)
        {
            int built = await BuildAsync(layout, request, cancel).ConfigureAwait(false);
            if (built != 0)
            {
                return built;
            }
        }
        if (MissingArtifact(layout, request) is string missing)
        {
            LauncherConsole.Failure($"{missing} is missing: run ./capos build and read its errors");
            return LauncherExitCodes.BuildFailed;
        }
        DiskChoice disk = ChooseDisk(layout, request);
        if (disk.Error is not null)
        {
            LauncherConsole.Failure(disk.Error);
            return disk.ErrorCode;
        }
        LauncherConsole.Info(disk.Message);
        string? diskImage = disk.Path;
        Accelerator accelerator = await ChooseAcceleratorAsync(layout, request.Accelerator).ConfigureAwait(false);
        QemuOptions options = (request.Iso
            ? CapOSBoot.Iso(layout, accelerator, diskImage)
            : CapOSBoot.Kernel(layout, request.Append, accelerator, diskImage)) with
        {
            WaitForDebugger = request.Gdb,
            Deterministic = request.Deterministic,
            DebugLogFile = request.DebugLog is null ? null : Path.GetFullPath(request.DebugLog),
        };
        if (request.Gdb)
        {
            LauncherConsole.Hint($"QEMU waits for gdb on :1234; in another terminal: {GdbLine}");
        }
        int code = await BootAsync(options, request.TimeoutSeconds, cancel).ConfigureAwait(false);
        if (code == Plug.PlugLines.CannotBootExitValue && request.Disk is null && diskImage is not null)
        {
            LauncherConsole.Hint($"the store on {Path.GetRelativePath(layout.Root, diskImage)} was refused (the line above names the fault); "
                + "./capos run --fresh starts afresh from the pristine image and keeps this disk as "
                + Path.GetRelativePath(layout.Root, diskImage + PersistentDisk.PreviousSuffix));
        }
        return code;
    }


    private static async Task<int> BuildAsync(RepositoryLayout layout, RunRequest request, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        LauncherConsole.Info("building (dotnet build CapOS.sln)...");
        int status = await BuildVerb.BuildSolutionAsync(layout, quiet: true, cancel).ConfigureAwait(false);
        if (status == 0 && request.Iso)
        {
            status = await BuildVerb.BuildIsoAsync(layout, quiet: true, cancel).ConfigureAwait(false);
        }
        if (status != 0)
        {
            LauncherConsole.Failure("build failed");
            return LauncherExitCodes.BuildFailed;
        }
        LauncherConsole.Info($"built in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    /// <summary>
    /// The disk to attach: <c>--disk</c> (never a pristine build image: those are only ever copied), none with
    /// <c>--no-disk</c>, else the persistent disk, made or renewed first (<see cref="PersistentDisk"/>).
    /// </summary>
    public static DiskChoice ChooseDisk(RepositoryLayout layout, RunRequest request)
    {
        if (request.NoDisk)
        {
            return DiskChoice.Attach(null, "disk: none");
        }
        if (request.Disk is string chosen)
        {
            string path = Path.GetFullPath(chosen);
            if (!File.Exists(path))
            {
                return DiskChoice.Refuse($"disk image {chosen} does not exist", LauncherExitCodes.Usage);
            }
            if (layout.IsPristine(path))
            {
                return DiskChoice.Refuse($"{chosen} is a pristine build image, which nothing boots in place (the tests copy it); "
                    + "boot a copy of it, or the persistent disk with ./capos run", LauncherExitCodes.Usage);
            }
            return DiskChoice.Attach(path, $"disk: {Path.GetRelativePath(layout.Root, path)} (virtio-blk)");
        }
        var persistent = new PersistentDisk(layout);
        try
        {
            return DiskChoice.Attach(persistent.Path, "disk: " + persistent.Prepare(request.Fresh));
        }
        catch (FileNotFoundException e)
        {
            return DiskChoice.Refuse(e.Message, LauncherExitCodes.BuildFailed);
        }
    }

    private static string? MissingArtifact(RepositoryLayout layout, RunRequest request)
    {
        if (request.Iso)
        {
            return File.Exists(layout.Iso) ? null : Path.GetRelativePath(layout.Root, layout.Iso);
        }
        var missing = layout.MissingKernelArtifacts();
        return missing.Count == 0 ? null : string.Join(", ", missing);
    }

    private static async Task<Accelerator> ChooseAcceleratorAsync(RepositoryLayout layout, AcceleratorRequest request)
    {
        string host = KvmProbe.HostIdentity();
        AcceleratorDecision decision = AcceleratorChoice.Decide(request, File.Exists("/dev/kvm"),
            KvmProbe.ReadCache(layout.KvmProbeCache), host);
        if (decision.NeedsProbe)
        {
            LauncherConsole.Info(decision.Reason);
            if (layout.MissingKernelArtifacts().Count > 0)
            {
                decision = new AcceleratorDecision(Accelerator.Tcg, "kernel not built, cannot probe KVM");
            }
            else
            {
                KvmVerdict verdict = await KvmProbe.RunAsync(layout, host).ConfigureAwait(false);
                KvmProbe.WriteCache(layout.KvmProbeCache, verdict);
                decision = AcceleratorChoice.FromVerdict(verdict, "probe");
            }
        }
        string name = decision.Chosen == Accelerator.Kvm ? "KVM" : "TCG";
        LauncherConsole.Info($"accelerator: {name} ({decision.Reason})");
        return decision.Chosen ?? Accelerator.Tcg;
    }

    private static async Task<int> BootAsync(QemuOptions options, double? timeoutSeconds, CancellationToken cancel)
    {
        Stream stdout = Console.OpenStandardOutput();
        void Echo(ReadOnlyMemory<byte> bytes)
        {
            stdout.Write(bytes.Span);
            stdout.Flush();
        }
        QemuMachine machine;
        try
        {
            machine = await QemuMachine.StartAsync(options, Echo, cancel: cancel).ConfigureAwait(false);
        }
        catch (QemuStartException e)
        {
            LauncherConsole.Failure(e.Message);
            return LauncherExitCodes.QemuFailed;
        }
        await using (machine.ConfigureAwait(false))
        {
            var watch = new StoreWatch();
            machine.Serial.LineReceived += line =>
            {
                if (watch.Observe(line) is string warning)
                {
                    LauncherConsole.Failure(warning);
                }
            };
            int code = await WaitAsync(machine, timeoutSeconds, cancel).ConfigureAwait(false);
            if (watch.Warning is string stopped)
            {
                LauncherConsole.Failure(stopped);
            }

            return code;
        }
    }

    /// <summary>
    /// True when QEMU ended on the terminal's Ctrl-C itself: it shares the launcher's process group, so SIGINT
    /// reaches it too and it may exit ("terminating on signal 2") before the launcher's own cancellation asks it
    /// to quit. That is the user stopping the system, not a guest that shut down.
    /// </summary>
    public static bool InterruptedByTerminal(QemuExit exit, string qemuOutput) =>
        exit.Kind != QemuExitKind.GuestExit && qemuOutput.Contains("terminating on signal 2", StringComparison.Ordinal);

    /// <summary>QEMU's output without its "waiting for connection" notice about our own serial socket.</summary>
    private static string QemuMessages(string output) =>
        string.Join('\n', output.Split('\n').Where(line => !line.Contains("waiting for connection", StringComparison.OrdinalIgnoreCase)));

    private static async Task<int> WaitAsync(QemuMachine machine, double? timeoutSeconds, CancellationToken cancel)
    {
        TimeSpan timeout = timeoutSeconds is double s ? TimeSpan.FromSeconds(s) : Timeout.InfiniteTimeSpan;
        QemuExit exit;
        try
        {
            exit = await machine.WaitForExitAsync(timeout, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await machine.KillAsync().ConfigureAwait(false);
            LauncherConsole.Failure($"timeout: QEMU still running after {timeoutSeconds} s; killed");
            return LauncherExitCodes.Timeout;
        }
        catch (OperationCanceledException)
        {
            await machine.QuitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            LauncherConsole.Info("interrupted; QEMU stopped");
            return LauncherExitCodes.Interrupted;
        }
        if (InterruptedByTerminal(exit, machine.QemuOutput))
        {
            LauncherConsole.Info("interrupted; QEMU stopped");
            return LauncherExitCodes.Interrupted;
        }
        int code = LauncherExitCodes.From(exit);
        if (exit.Kind == QemuExitKind.GuestExit)
        {
            (exit.GuestValue == 0 ? (Action<string>)LauncherConsole.Success : LauncherConsole.Failure)(exit.Message);
        }
        else
        {
            LauncherConsole.Failure($"{exit.Message}\n{QemuMessages(machine.QemuOutput)}".TrimEnd());
        }
        return code;
    }
}
