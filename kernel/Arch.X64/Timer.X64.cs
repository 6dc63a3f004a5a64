namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The periodic timer: the local APIC timer in periodic mode at <see cref="DefaultHz"/>,
/// calibrated, together with the TSC, against a 10 ms one-shot of PIT channel 2
/// (polled through port 0x61, no interrupt). The legacy PIC is remapped to vectors
/// 0x20..0x2F and fully masked. docs/boot.md "Timer".
/// </summary>
internal static unsafe class Timer
{
    public const uint DefaultHz = 100;
    public const int Vector = 0x40;
    public const int SpuriousVector = 0xFF;

    private const uint PitHz = 1193182;
    private const uint CalibrationMs = 10;
    private const int LapicEoi = 0xB0;
    private const int LapicSpurious = 0xF0;
    private const int LapicTimer = 0x320;
    private const int LapicInitialCount = 0x380;
    private const int LapicCurrentCount = 0x390;
    private const int LapicDivide = 0x3E0;

    /// <summary>Timer interrupts taken since boot; written only by <see cref="OnInterrupt"/>.</summary>
    public static ulong Ticks;

    /// <summary>Timer interrupt frequency; set once at boot.</summary>
    public static uint Hz;

    /// <summary>TSC increments per second; set once at boot by calibration.</summary>
    public static ulong CycleCounterHz;

    private static byte* s_lapic;

    public static void Initialize()
    {
        MaskLegacyPic();
        ulong apicBase = Cpu.ReadMsr(Cpu.MsrApicBase);
        Cpu.WriteMsr(Cpu.MsrApicBase, apicBase | 0x800); // global enable
        s_lapic = Paging.PhysicalToVirtual(apicBase & 0xFFFFF000);
        Write(LapicSpurious, 0x100 | SpuriousVector);
        Write(LapicDivide, 0x3); // divide by 16
        Write(LapicTimer, 0x10000 | Vector); // masked, one-shot
        Write(LapicInitialCount, 0xFFFFFFFF);
        ulong tscStart = Cpu.ReadTimeStampCounter();
        WaitPit(CalibrationMs);
        ulong tscEnd = Cpu.ReadTimeStampCounter();
        uint lapicElapsed = 0xFFFFFFFF - Read(LapicCurrentCount);
        Hz = DefaultHz;
        CycleCounterHz = (tscEnd - tscStart) * (1000 / CalibrationMs);
        ulong lapicHz = (ulong)lapicElapsed * (1000 / CalibrationMs);
        uint period = (uint)(lapicHz / Hz);
        Write(LapicTimer, 0x20000 | Vector); // periodic
        Write(LapicInitialCount, period == 0 ? 1 : period);
        Ticks = 0;
    }

    /// <summary>The timer interrupt: count, acknowledge.</summary>
    public static void OnInterrupt()
    {
        Ticks++;
        EndOfInterrupt();
    }

    public static void EndOfInterrupt() => Write(LapicEoi, 0);

    private static void MaskLegacyPic()
    {
        Cpu.OutByte(0x20, 0x11); // ICW1: init, ICW4 follows
        Cpu.OutByte(0xA0, 0x11);
        Cpu.OutByte(0x21, 0x20); // ICW2: master vectors 0x20..0x27
        Cpu.OutByte(0xA1, 0x28); //       slave vectors 0x28..0x2F
        Cpu.OutByte(0x21, 0x04); // ICW3: slave on IRQ2
        Cpu.OutByte(0xA1, 0x02);
        Cpu.OutByte(0x21, 0x01); // ICW4: 8086 mode
        Cpu.OutByte(0xA1, 0x01);
        Cpu.OutByte(0x21, 0xFF); // mask everything
        Cpu.OutByte(0xA1, 0xFF);
    }

    /// <summary>Busy-waits <paramref name="milliseconds"/> on PIT channel 2 (mode 0, gate through port 0x61).</summary>
    private static void WaitPit(uint milliseconds)
    {
        uint count = PitHz * milliseconds / 1000;
        byte gate = (byte)((Cpu.InByte(0x61) & 0xFC) | 0x01); // gate on, speaker off
        Cpu.OutByte(0x61, (byte)(gate & 0xFE));
        Cpu.OutByte(0x43, 0xB0); // channel 2, lobyte/hibyte, mode 0, binary
        Cpu.OutByte(0x42, (byte)count);
        Cpu.OutByte(0x42, (byte)(count >> 8));
        Cpu.OutByte(0x61, gate); // rising gate edge starts the count
        while ((Cpu.InByte(0x61) & 0x20) == 0)
        {
            Cpu.Pause();
        }
    }

    private static void Write(int register, uint value) => *(uint*)(s_lapic + register) = value;

    private static uint Read(int register) => *(uint*)(s_lapic + register);
}
