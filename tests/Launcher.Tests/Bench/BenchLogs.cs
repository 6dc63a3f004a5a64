namespace CapOS.Launcher.Tests.Bench;

/// <summary>
/// Serial logs the benchmark reads. The disk and store lines were recorded from the real kernel (QEMU 7.2,
/// TCG, 2026-11-26: <c>test=disk exit-when-idle</c> on a 16 MiB disk, and plug.img); the <c>bench:</c>,
/// <c>mutator:</c> and <c>checkpoint: committed</c> lines follow their contracts (docs/bench.md, docs/plug.md),
/// since that kernel did not print them yet.
/// </summary>
internal static class BenchLogs
{
    public const string RawDisk = """
        CapOS 0.1 x86-64
        boot: loader=multiboot1 cmdline="test=disk exit-when-idle" modules=2
        mem: usable=261759 KiB free-pages=65213
        disk: virtio-blk at pci 00:02.0
        disk: sectors=32768 queue=256 seg-max=254 flush=yes rw irq=msix
        store: volume pages=273 ranges=3
        checkpoint: recovered seq=1 slot=0 log-objects=12 restart=0
        store: cache page-frames=28136 node-frames=28577 run=130424 KiB
        store: recovered in 24624 us, 79151 us after reset
        timer: hz=100 tsc-mhz=2122
        disk: read page 0 crc=0xdb95a4e9
        disk: write-throughput=93.82 MB/s pages=512 inflight=32 flush=11633.6 us
        disk: read-latency avg=39.7 us min=33.8 us samples=16 (4 KiB, one in flight)
        disk: out-of-range reads failed as they must: error=BadRequest,BadRequest
        disk: selftest ok inflight=32
        fault: process 2 #PF rip=0x400194 cr2=0xdead0000 error=0x6; process stopped
        kernel: idle
        """;

    public const string PlugBootWithoutCheckpoints = """
        CapOS 0.1 x86-64
        boot: loader=multiboot1 cmdline="bench=checkpoint exit-when-idle" modules=2
        disk: sectors=3808 queue=256 seg-max=254 flush=yes rw irq=msix
        store: volume pages=476 ranges=3
        checkpoint: recovered seq=1 slot=0 log-objects=16 restart=0
        store: cache page-frames=28136 node-frames=28577 run=130424 KiB
        store: recovered in 16161 us, 64098 us after reset
        timer: hz=100 tsc-mhz=2113
        user[1]: hello from ring 3
        fault: process 2 #PF rip=0x400194 cr2=0xdead0000 error=0x6; process stopped
        kernel: idle
        """;

    public const string CheckpointBench = """
        store: recovered in 16161 us, 64098 us after reset
        bench: checkpoint dirty=16 pause-us=41.5 stabilize-us=900 stabilize-mbps=72.8 migrate-us=1200 migrate-mbps=54.6
        bench: checkpoint dirty=256 pause-us=310 stabilize-us=9000 stabilize-mbps=116.5 extra=word migrate-us=15000 migrate-mbps=69.9 rounds=2
        bench: checkpoint dirty=1024 stabilize-mbps=120 pause-us=1100
        bench: checkpoint done
        kernel: idle
        """;

    public const string RecoveryBoot = """
        CapOS 0.1 x86-64
        store: volume pages=476 ranges=3
        checkpoint: recovered seq=7 slot=1 log-objects=40 restart=0
        store: recovered in 18250 us, 66020 us after reset
        mutator: recovered seq=7 step=1234 invariant=ok
        checkpoint: snapshot seq=8 dirty=12 pause-us=30
        checkpoint: stabilize seq=8
        checkpoint: committed seq=8 images=12 log-pages=14
        """;

    /// <summary>Recorded from faultbench.img (QEMU 7.2, TCG, 2026-12-04, <c>exit-when-idle</c>).</summary>
    public const string FaultBenchBoot = """
        CapOS 0.1 x86-64
        boot: loader=multiboot1 cmdline="exit-when-idle" modules=0
        mem: usable=261759 KiB free-pages=65210
        disk: virtio-blk at pci 00:02.0
        disk: sectors=82376 queue=256 seg-max=254 flush=yes rw irq=msix
        store: volume pages=10297 ranges=3
        checkpoint: recovered seq=1 slot=0 log-objects=2160 restart=1
        store: cache page-frames=28120 node-frames=28560 run=130420 KiB
        store: recovered in 25211 us, 68658 us after reset
        checkpoint: migrate seq=1
        checkpoint: migrated seq=1
        timer: hz=100 tsc-mhz=2324
        timer: tick=5
        proc: 1 resumed root=0x1000 state=running pc=0x400000
        user[1]: faultbench: start tsc=507357291
        user[1]: faultbench: first-touch pages=2048 mean=49306 median=17784 min=14934
        user[1]: faultbench: read pages=2048 mean=420 median=276 min=266
        user[1]: faultbench: write-fault pages=1024 mean=16053 median=13474 min=12140
        user[1]: faultbench: write pages=1024 mean=640 median=644 min=368
        user[1]: faultbench: done
        proc: 1 exited
        kernel: idle
        """;

    /// <summary>Recorded from ipcbench.img (QEMU 7.2, <c>-icount shift=0</c>, 2026-12-04).</summary>
    public const string IpcBenchBoot = """
        CapOS 0.1 x86-64
        boot: loader=multiboot1 cmdline="" modules=0
        mem: usable=261759 KiB free-pages=65204
        disk: virtio-blk at pci 00:02.0
        disk: sectors=25304 queue=256 seg-max=254 flush=yes rw irq=msix
        store: volume pages=3163 ranges=3
        checkpoint: recovered seq=1 slot=0 log-objects=2206 restart=2
        store: cache page-frames=28116 node-frames=28557 run=130408 KiB
        store: recovered in 35209 us, 83521 us after reset
        checkpoint: migrate seq=1
        checkpoint: migrated seq=1
        timer: hz=100 tsc-mhz=999
        timer: tick=5
        proc: 1 resumed root=0x1001 state=running pc=0x400000
        proc: 2 resumed root=0x1000 state=running pc=0x400000
        user[2]: ipcbench: start tsc=1208391219
        user[2]: ipcbench: null-invocation n=64 per=1024 median=798725 min=798725 mean=799360
        user[2]: ipcbench: round-trip n=64 per=1024 median=3918853 min=3918853 mean=3921500
        user[2]: ipcbench: round-trip-string n=64 per=1024 median=10834559 min=10834559 mean=10835088
        user[2]: ipcbench: call-half n=2048 per=1 median=1752 min=1752 mean=1752
        user[2]: ipcbench: return-half n=2048 per=1 median=2083 min=2083 mean=2086
        user[2]: ipcbench: fault-rebuild n=2048 per=1 median=2797 min=2797 mean=2800
        user[2]: ipcbench: mapped-read n=2048 per=1 median=6 min=6 mean=6
        user[2]: ipcbench: done
        proc: 2 exited
        kernel: idle
        """;

    public static string[] Lines(string log) => log.Split('\n');
}
