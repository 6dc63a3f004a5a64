using System.Collections.Generic;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// One row of the lmbench table (docs/bench.md "lmbench"; issue 13): the row id of the guest line contract, what the
/// CapOS and Linux sides run, EROS'99's ratio (SOSP'99 Figure 11, EROS over Linux on the same machine) and issue
/// 13's target. Ratios are CapOS over Linux in time per operation, so below 1.0 CapOS is faster; for the bandwidth
/// row the ratio is CapOS's bandwidth over Linux's, and the chart draws its inverse (time per byte).
/// </summary>
/// <param name="Id">The contract's row id.</param>
/// <param name="Test">The table's words for the row.</param>
/// <param name="CapOS">What CapOS runs.</param>
/// <param name="Linux">The lmbench command, or null when Linux has no counterpart.</param>
/// <param name="ErosRatio">EROS'99 over Linux 2.2.5, or null.</param>
/// <param name="Target">Issue 13's bound on the ratio (or, for <c>ipc-rt</c>, on the instruction count), or null.</param>
/// <param name="Bandwidth">A bandwidth row: bytes and ticks, higher is better.</param>
/// <param name="CapOSScale">CapOS's operation in its guest's iterations: its per-iteration figure times this (1 for
/// every row now: heap-growth times a whole mapping, as lat_mmap does).</param>
public sealed record LmbenchRowSpec(string Id, string Test, string CapOS, string? Linux, double? ErosRatio, double? Target, bool Bandwidth = false, double CapOSScale = 1)
{
    /// <summary>The <c>ipc-rt</c> target is absolute: under 1,000 instructions (icount), no Linux pair.</summary>
    public const double IpcRoundTripInstructions = 1000;

    /// <summary>The rows, in the table's order.</summary>
    public static readonly IReadOnlyList<LmbenchRowSpec> All =
    [
        new("null-call", "trivial invocation", "IpcBench null-invocation (KT on a number key)", "lat_syscall null", 1.6 / 0.7, 1.0),
        new("ipc-rt", "IPC round trip (two address spaces)", "IpcBench round-trip to the echo server", null, null, IpcRoundTripInstructions),
        new("ctx-switch", "context switch", "IpcBench: (CALL half + RETURN half) / 2 - null invocation", "lat_ctx -s 0 2", 1.19 / 1.26, 1.0),
        new("page-fault", "page fault (rebuild from in-memory objects)", "IpcBench fault-rebuild, 2048 pages after zapping", "lat_pagefault (8 MiB tmpfs file)", 3.67 / 687, 0.2),
        new("heap-growth", "map 1 MiB, write 7 pages, unmap", "system/heapbench.sys: a fresh segment made, mapped, 7 pages written 16 KiB apart, unmapped, destroyed", "lat_mmap 1m (tmpfs file)", 20.42 / 31.74, 0.8),
        new("heap-growth-page", "heap growth per page (EROS'99)", "system/heapbench.sys: 256 fresh pages of the space write-touched, per page", null, 20.42 / 31.74, null),
        new("proc-create", "process creation", "system/procbench.sys", "lat_proc exec (fork+execve)", 0.664 / 1.916, 0.5),
        new("pipe-latency", "pipe latency (1 byte round trip)", "PipeBench latency", "lat_pipe", 5.66 / 8.34, 0.8),
        new("pipe-bandwidth", "pipe bandwidth (4 KiB chunks)", "PipeBench bandwidth, 8 MiB in 4 KiB writes", "bw_pipe -m 4096", 281.0 / 260, 1.1, Bandwidth: true),
        new("pipe-bandwidth-64k", "pipe bandwidth (64 KiB chunks)", "PipeBench bandwidth, 8 MiB in 64 KiB writes", "bw_pipe -m 65536 (its default)", null, 1.1, Bandwidth: true),
    ];

    /// <summary>True when <paramref name="ratio"/> meets the target (bandwidth: at least; else at most).</summary>
    public bool Meets(double ratio) => Target is double t && (Bandwidth ? ratio >= t : ratio <= t);
}
