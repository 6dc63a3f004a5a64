using System;
using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// `imagegen check`: offline verification of an image (docs/imagegen.md "check"). Structure first
/// (volume header and copy, both checkpoint headers, the chosen directory), then the log (every image vs
/// its ImageCrc, logged pots valid for their place, logged pages consistent with their logged tag pot),
/// then home (node pots, tag pots, data pages vs DataCrc), then every key of every node, then every process
/// on the restart list (ProcessCheck).
/// </summary>
/// <remarks>
/// Theory of operation: VolumeImage does what recovery does; this class names every fault it recorded and
/// looks further. A fault is anything recovery would refuse or that would give it wrong data; a stale key
/// (AllocCount below its object's) is a warning: after a rescind it is legitimately void (KeyKOS). A key
/// with a count ABOVE its object's cannot arise (counts only grow) and is a fault.
/// </remarks>
internal sealed unsafe class ImageCheck
{
    private readonly VolumeImage _image;
    private readonly List<Finding> _findings = new();

    private ImageCheck(VolumeImage image) => _image = image;

    public static List<Finding> Run(VolumeImage image)
    {
        var check = new ImageCheck(image);
        check.CheckStructure();
        if (image.Fatal is null)
        {
            LogCheck.Run(image, check._findings);
            check.CheckHome();
            KeyCheck.Run(image, check._findings);
            ProcessCheck.Run(image, check._findings);
        }

        return check._findings;
    }

    private void Fault(string text) => _findings.Add(new Finding(FindingKind.Fault, text));

    private void CheckStructure()
    {
        if (_image.TrailingBytes != 0)
        {
            Fault($"image: {_image.TrailingBytes} bytes after the last whole page (truncated)");
        }

        for (int p = 0; p < 2; p++)
        {
            if (_image.VolumeErrors[p] != FormatError.None)
            {
                Fault($"volume header page {p}: {FormatErrors.Name(_image.VolumeErrors[p])}{Truncation(p)}");
            }
        }

        if (_image.VolumeErrors[0] == FormatError.None && _image.VolumeErrors[1] == FormatError.None
            && !new ReadOnlySpan<byte>(_image.Page(0), DiskLayout.PageSize).SequenceEqual(new ReadOnlySpan<byte>(_image.Page(1), DiskLayout.PageSize)))
        {
            Fault("volume header page 1: differs from page 0");
        }

        if (_image.VolumePage < 0)
        {
            return;
        }

        for (uint slot = 0; slot < 2; slot++)
        {
            if (_image.SlotErrors[slot] == FormatError.None)
            {
                continue;
            }

            if (_image.SlotBlank[slot])
            {
                _findings.Add(new Finding(FindingKind.Note, $"checkpoint header lid {slot}: blank (never written)"));
            }
            else
            {
                Fault($"checkpoint header lid {slot}: {FormatErrors.Name(_image.SlotErrors[slot])}");
            }
        }

        if (_image.Fatal is not null)
        {
            return;
        }

        foreach ((uint index, FormatError error) in _image.DirectoryErrors)
        {
            Fault($"directory page {index} (lid {_image.Chosen->DirectoryFirst + index}): {FormatErrors.Name(error)}");
        }
    }

    /// <summary>For a header whose only problem is its size: how much of the volume is missing.</summary>
    private string Truncation(int page)
    {
        if ((ulong)page >= _image.DiskPages)
        {
            return " (page missing: truncated image)";
        }

        var header = (VolumeHeader*)_image.Page((ulong)page);
        return _image.VolumeErrors[page] == FormatError.VolumeBadPageCount && header->VolumePageCount > _image.DiskPages
            ? $" (truncated image: {_image.DiskPages} pages, the volume has {header->VolumePageCount})"
            : "";
    }

    private void CheckHome()
    {
        for (int i = 0; i < _image.Header->RangeCount; i++)
        {
            RangeDescriptor* r = VolumeHeader.Range(_image.Header, i);
            if (r->Kind == RangeKind.NodeRange)
            {
                CheckNodeRange(r);
            }
            else if (r->Kind == RangeKind.PageRange)
            {
                CheckPageRange(r);
            }
        }
    }

    private void CheckNodeRange(RangeDescriptor* range)
    {
        for (ulong index = 0; index < range->OidCount; index += NodePot.NodeCapacity)
        {
            VolumeLayout.Locate(_image.Header, range->FirstOid.Add(index), out ObjectLocation location);
            FormatError error = NodePot.Validate((NodePot*)_image.Page(location.HomePage), location.PotFirstOid, location.PotObjectCount);
            if (error != FormatError.None)
            {
                Fault($"node pot home page={location.HomePage}: {FormatErrors.Name(error)}");
            }
        }
    }

    private void CheckPageRange(RangeDescriptor* range)
    {
        for (ulong index = 0; index < range->OidCount; index += TagPot.EntryCapacity)
        {
            VolumeLayout.Locate(_image.Header, range->FirstOid.Add(index), out ObjectLocation location);
            var pot = (TagPot*)_image.Page(location.TagPotPage);
            FormatError error = TagPot.Validate(pot, location.PotFirstOid, location.PotObjectCount);
            if (error != FormatError.None)
            {
                Fault($"tag pot home page={location.TagPotPage}: {FormatErrors.Name(error)}");
                continue;
            }

            for (int e = 0; e < location.PotObjectCount; e++)
            {
                TagEntry* entry = TagPot.Entry(pot, e);
                ulong page = location.TagPotPage + 1 + (ulong)e;
                if (entry->Tag == FrameTag.DataPage && PageSeal.ImageCrc(_image.Page(page)) != entry->DataCrc)
                {
                    Fault($"page oid=0x{location.PotFirstOid.Value + (ulong)e:x} home page={page}: data CRC mismatch");
                }
            }
        }
    }
}
