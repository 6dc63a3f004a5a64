namespace CapOS.Launcher.Tests.Plug;

/// <summary>
/// Serial logs for the judge's tests. <see cref="Boot"/> is a boot of today's kernel recorded with
/// <c>./capos run --disk plug.img --append "mutator checkpoint-interval-ms=100 cache-pages=64 cache-nodes=64"</c>
/// (2026-12-04), renumbered to recover seq 7, with the lines of contract K1-K4 (briefs/contract9.md) written in
/// where the kernel side prints them: the kernel of this tree does not print them yet.
/// </summary>
internal static class PlugLogs
{
    public const string Digest6 = "6b0d3c55a1e2f406";
    public const string Digest7 = "9a41c7e0d25f3b17";
    public const string Digest8 = "0c77e21b94d3a508";
    public const string Digest9 = "e3f950a6c1b27d49";

    public const string Boot = $"""
        CapOS 0.1 x86-64
        boot: loader=multiboot1 cmdline="mutator checkpoint-interval-ms=100 cache-pages=64 cache-nodes=64" modules=2
        mem: usable=261759 KiB free-pages=65202
        disk: virtio-blk at pci 00:02.0
        disk: sectors=4032 queue=256 seg-max=254 flush=yes rw irq=msix
        store: volume pages=504 ranges=3
        checkpoint: recovered seq=7 slot=0 log-objects=44 restart=0
        store: cache page-frames=64 node-frames=64 run=1356 KiB
        store: recovered in 9967 us, 76757 us after reset
        checkpoint: migrate seq=7
        checkpoint: migrated seq=7
        mutator: recovered seq=7 step=40 digest={Digest7} invariant=ok
        timer: hz=100 tsc-mhz=2318
        user[1]: hello from ring 3
        checkpoint: snapshot seq=8 dirty=0 pause-us=399 check-us=288 freeze-us=111
        mutator: snapshot seq=8 step=40 digest={Digest7}
        checkpoint: stabilize seq=8
        fault: process 2 #PF rip=0x400194 cr2=0xdead0000 error=0x6; process stopped
        kernel: idle
        checkpoint: committed seq=8 images=0 log-pages=0 cow=0
        checkpoint: migrate seq=8
        checkpoint: migrated seq=8
        checkpoint: snapshot seq=9 dirty=35 pause-us=634 check-us=162 freeze-us=472
        mutator: snapshot seq=9 step=52 digest={Digest9}
        checkpoint: stabilize seq=9
        checkpoint: committed seq=9 images=24 log-pages=25 cow=3
        checkpoint: migrate seq=9
        checkpoint: migrated seq=9
        checkpoint: snapshot seq=10 dirty=36 pause-us=127 check-us=30 freeze-us=97
        mutator: snapshot seq=10 step=63 digest=1111222233334444
        checkpoint: stabilize seq=10
        """;

    public static string[] Lines(string log) => log.Replace("\r", "", System.StringComparison.Ordinal).Split('\n');

    /// <summary><see cref="Boot"/> up to (not including) the first line that starts with <paramref name="start"/>.</summary>
    public static string[] Until(string start)
    {
        string[] lines = Lines(Boot);
        int end = System.Array.FindIndex(lines, l => l.StartsWith(start, System.StringComparison.Ordinal));
        return lines[..end];
    }
}
