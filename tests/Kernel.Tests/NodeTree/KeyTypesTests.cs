using System;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.NodeTree;

public sealed class KeyTypesTests
{
    [Fact]
    public void DefinedMatchesTheEnumeration()
    {
        for (int t = 0; t < 256; t++)
        {
            Assert.Equal(Enum.IsDefined((KeyType)t), KeyTypes.IsDefined((KeyType)t));
        }
    }

    [Fact]
    public void EveryDefinedTypeIsInExactlyOneClass()
    {
        foreach (KeyType type in Enum.GetValues<KeyType>())
        {
            bool objectNotGate = KeyTypes.IsObject(type) && !KeyTypes.IsGate(type);
            int classes = (type == KeyType.Void ? 1 : 0) + (KeyTypes.IsGate(type) ? 1 : 0) + (objectNotGate ? 1 : 0)
                + (KeyTypes.IsNumberLike(type) ? 1 : 0) + (KeyTypes.IsMiscellaneous(type) ? 1 : 0);
            Assert.True(classes == 1, type.ToString());
        }
    }

    [Fact]
    public void ObjectKeysNameTheirTargetKind()
    {
        Assert.Equal(ObType.Page, KeyTypes.TargetType(KeyType.Page));
        Assert.Equal(ObType.Node, KeyTypes.TargetType(KeyType.Segment));
        Assert.Equal(ObType.Node, KeyTypes.TargetType(KeyType.Start));
        Assert.Equal(ObType.Node, KeyTypes.TargetType(KeyType.Resume));
        Assert.Equal(ObType.Node, KeyTypes.TargetType(KeyType.Process));
        Assert.Equal(ObType.None, KeyTypes.TargetType(KeyType.Number));
        Assert.Equal(ObType.None, KeyTypes.TargetType(KeyType.Range));
        Assert.Equal(ObType.None, KeyTypes.TargetType(KeyType.Void));
    }

    [Fact]
    public void EverythingIssueThreeNamesIsEnumerated()
    {
        string[] names =
        {
            "Void", "Number", "Node", "Segment", "Page", "Process", "Start", "Resume", "Range", "Console", "Sleep",
            "Checkpoint", "Discrim", "KeyBits", "ProcessTool", "Sched", "Device", "PrimeRange", "PhysicalRange",
        };
        for (int i = 0; i < names.Length; i++)
        {
            Assert.True(Enum.TryParse<KeyType>(names[i], out _), names[i]);
        }
    }
}
