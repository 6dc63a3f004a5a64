namespace CapOS.Launcher.Plug;

/// <summary>A boot as run: the result and what a failure report keeps.</summary>
/// <param name="Result">The cycle's result (crash states and the floor after it are the campaign's to add).</param>
/// <param name="SerialLog">The whole serial log.</param>
/// <param name="QemuReport">QEMU's command line, exit and output.</param>
public sealed record CycleRun(CycleResult Result, string SerialLog, string QemuReport);
