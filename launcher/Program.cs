using System.CommandLine;
using System.Runtime.InteropServices;
using System.Threading;
using CapOS.Harness;
using CapOS.Launcher;
using CapOS.Launcher.Bench;
using CapOS.Launcher.Fuzz;
using CapOS.Launcher.Plug;

// ./capos builds this program quietly and runs it; see docs/launcher.md.
RepositoryLayout layout = RepositoryLayout.Locate();
var root = LauncherCommands.Create(
    async cancel => await BuildVerb.BuildSolutionAsync(layout, quiet: false, cancel) == 0 ? 0 : LauncherExitCodes.BuildFailed,
    (request, cancel) => RunVerb.RunAsync(layout, request, cancel),
    (arguments, cancel) => BuildVerb.TestAsync(layout, arguments, cancel),
    (request, cancel) => PlugVerb.RunAsync(layout, request, cancel),
    (request, cancel) => BenchVerb.RunAsync(layout, request, cancel),
    (request, cancel) => FuzzVerb.RunAsync(layout, request, cancel));

// Ctrl-C, SIGTERM and SIGHUP cancel the verb, which then stops QEMU itself (QMP quit, else SIGKILL)
// instead of leaving it running without its console.
using var interrupted = new CancellationTokenSource();
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    interrupted.Cancel();
}
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
using PosixSignalRegistration sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Interrupt);
var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await root.Parse(args).InvokeAsync(configuration, interrupted.Token);
