using System.Runtime.InteropServices;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The virtio 1.x ("modern") PCI transport (virtio 1.x §4.1): the common configuration,
/// notification and device-specific structures that vendor capabilities (id 0x09) place in
/// memory BARs, reached through the direct map. docs/io.md "The virtio-blk driver".
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirtioPci
{
    public const byte StatusAcknowledge = 1;
    public const byte StatusDriver = 2;
    public const byte StatusDriverOk = 4;
    public const byte StatusFeaturesOk = 8;
    public const byte StatusFailed = 128;
    public const ushort NoVector = 0xFFFF;

    // Common configuration structure (virtio 1.x §4.1.4.3).
    private const int DeviceFeatureSelect = 0;
    private const int DeviceFeature = 4;
    private const int DriverFeatureSelect = 8;
    private const int DriverFeature = 12;
    private const int ConfigMsixVector = 16;
    private const int DeviceStatus = 20;
    private const int ConfigGeneration = 21;
    private const int QueueSelect = 22;
    private const int QueueSize = 24;
    private const int QueueMsixVector = 26;
    private const int QueueEnable = 28;
    private const int QueueNotifyOff = 30;
    private const int QueueDesc = 32;
    private const int QueueDriver = 40;
    private const int QueueDevice = 48;

    private const int CommonConfig = 1;
    private const int NotifyConfig = 2;
    private const int DeviceConfig = 4;

    public uint Bdf;
    public byte* Common;
    public byte* NotifyBase;
    public uint NotifyMultiplier;
    public byte* Device;

    /// <summary>Finds the common, notify and device structures; false when any is missing.</summary>
    public bool Locate(uint bdf)
    {
        Bdf = bdf;
        for (int cap = Pci.NextCapability(bdf, Pci.CapabilityVendor, 0); cap != 0; cap = Pci.NextCapability(bdf, Pci.CapabilityVendor, cap))
        {
            byte type = Pci.Read8(bdf, cap + 3);
            byte bar = Pci.Read8(bdf, cap + 4);
            if (bar > 5 || (type != CommonConfig && type != NotifyConfig && type != DeviceConfig))
            {
                continue;
            }

            ulong physical = PciBar.Memory(bdf, bar);
            if (physical == 0)
            {
                continue;
            }

            byte* address = Paging.PhysicalToVirtual(physical + Pci.Read32(bdf, cap + 8));
            if (type == CommonConfig && Common == null)
            {
                Common = address;
            }
            else if (type == NotifyConfig && NotifyBase == null)
            {
                NotifyBase = address;
                NotifyMultiplier = Pci.Read32(bdf, cap + 16);
            }
            else if (type == DeviceConfig && Device == null)
            {
                Device = address;
            }
        }

        return Common != null && NotifyBase != null && Device != null;
    }

    public readonly byte Status => Mmio.Read8(Common + DeviceStatus);

    public readonly void SetStatus(byte status) => Mmio.Write8(Common + DeviceStatus, status);

    /// <summary>Writes 0 to the status and waits until the device reads back 0 (virtio 1.x §4.1.4.3.2).</summary>
    public readonly bool Reset()
    {
        SetStatus(0);
        for (int i = 0; i < 1000000; i++)
        {
            if (Status == 0)
            {
                return true;
            }

            Cpu.Pause();
        }

        return false;
    }

    public readonly ulong DeviceFeatures()
    {
        Mmio.Write32(Common + DeviceFeatureSelect, 0);
        ulong low = Mmio.Read32(Common + DeviceFeature);
        Mmio.Write32(Common + DeviceFeatureSelect, 1);
        return low | ((ulong)Mmio.Read32(Common + DeviceFeature) << 32);
    }

    public readonly void SetDriverFeatures(ulong features)
    {
        Mmio.Write32(Common + DriverFeatureSelect, 0);
        Mmio.Write32(Common + DriverFeature, (uint)features);
        Mmio.Write32(Common + DriverFeatureSelect, 1);
        Mmio.Write32(Common + DriverFeature, (uint)(features >> 32));
    }

    /// <summary>Selects queue <paramref name="queue"/> and returns its maximum size (0: no such queue).</summary>
    public readonly ushort SelectQueue(ushort queue)
    {
        Mmio.Write16(Common + QueueSelect, queue);
        return Mmio.Read16(Common + QueueSize);
    }

    /// <summary>Programs the selected queue's size and ring addresses; returns its notify register.</summary>
    public readonly ushort* ConfigureQueue(VirtQueue* queue)
    {
        Mmio.Write16(Common + QueueSize, queue->Size);
        Write64(Common + QueueDesc, queue->DescriptorsPhysical);
        Write64(Common + QueueDriver, queue->AvailPhysical);
        Write64(Common + QueueDevice, queue->UsedPhysical);
        return (ushort*)(NotifyBase + ((ulong)Mmio.Read16(Common + QueueNotifyOff) * NotifyMultiplier));
    }

    /// <summary>Routes the selected queue to MSI-X table entry <paramref name="entry"/>; false if the device refuses.</summary>
    public readonly bool SetQueueVector(ushort entry)
    {
        Mmio.Write16(Common + ConfigMsixVector, NoVector);
        Mmio.Write16(Common + QueueMsixVector, entry);
        return Mmio.Read16(Common + QueueMsixVector) == entry;
    }

    public readonly void EnableQueue() => Mmio.Write16(Common + QueueEnable, 1);

    /// <summary>A 64-bit read of device configuration, retried while config_generation changes across it.</summary>
    public readonly ulong ReadDeviceConfig64(int offset)
    {
        ulong value = 0;
        for (int attempt = 0; attempt < 16; attempt++)
        {
            byte generation = Mmio.Read8(Common + ConfigGeneration);
            value = Mmio.Read32(Device + offset) | ((ulong)Mmio.Read32(Device + offset + 4) << 32);
            if (Mmio.Read8(Common + ConfigGeneration) == generation)
            {
                break;
            }
        }

        return value;
    }

    public readonly uint ReadDeviceConfig32(int offset) => Mmio.Read32(Device + offset);

    private static void Write64(byte* register, ulong value)
    {
        Mmio.Write32(register, (uint)value);
        Mmio.Write32(register + 4, (uint)(value >> 32));
    }
}
