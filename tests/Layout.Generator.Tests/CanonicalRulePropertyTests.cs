using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// Property test: random [SharedLayout] struct definitions → generate and compile → size, offsets and
/// the runtime size equal an independent implementation of the canonical rule, and values written
/// through the properties land at those offsets in the raw bytes and read back.
/// </summary>
public sealed class CanonicalRulePropertyTests
{
    /// <summary>A member type as the oracle knows it: declaration, element size and alignment, a value and its bytes.</summary>
    private sealed record MemberType(string Declared, int Size, int Alignment, Func<int, object> Value, Func<object, byte[]>? Encode);

    private static readonly MemberType[] Scalars =
    [
        new("bool", 1, 1, s => s % 2 == 1, v => [(bool)v ? (byte)1 : (byte)0]),
        new("byte", 1, 1, s => (byte)s, v => [(byte)v]),
        new("sbyte", 1, 1, s => (sbyte)-s, v => [unchecked((byte)(sbyte)v)]),
        new("short", 2, 2, s => (short)(-300 * s), v => BitConverter.GetBytes((short)v)),
        new("ushort", 2, 2, s => (ushort)(1000 + s), v => BitConverter.GetBytes((ushort)v)),
        new("char", 2, 2, s => (char)('Ā' + s), v => BitConverter.GetBytes((char)v)),
        new("int", 4, 4, s => -70000 * s, v => BitConverter.GetBytes((int)v)),
        new("uint", 4, 4, s => 4000000000u - (uint)s, v => BitConverter.GetBytes((uint)v)),
        new("float", 4, 4, s => s + 0.5f, v => BitConverter.GetBytes((float)v)),
        new("long", 8, 8, s => long.MinValue + s, v => BitConverter.GetBytes((long)v)),
        new("ulong", 8, 8, s => ulong.MaxValue - (ulong)s, v => BitConverter.GetBytes((ulong)v)),
        new("double", 8, 8, s => -s / 3.0, v => BitConverter.GetBytes((double)v)),
        new("decimal", 16, 8, s => s * -1.25m, null),
        new("Guid", 16, 8, s => new Guid(s, (short)s, 7, 1, 2, 3, 4, 5, 6, 7, 8), v => ((Guid)v).ToByteArray()),
        new("SharedHandle", 4, 4, s => new SharedHandle(-s), v => BitConverter.GetBytes(((SharedHandle)v).Value)),
        new("E8", 1, 1, s => Enum.ToObject(EnumType("E8"), -s), null),
        new("E16", 2, 2, s => Enum.ToObject(EnumType("E16"), 1000 + s), null),
        new("E32", 4, 4, s => Enum.ToObject(EnumType("E32"), -s), null),
        new("E64", 8, 8, s => Enum.ToObject(EnumType("E64"), long.MaxValue - s), null),
    ];

    private const string Enums = "public enum E8 : sbyte { } public enum E16 : ushort { } public enum E32 { } public enum E64 : long { }\n";

    [ThreadStatic]
    private static System.Reflection.Assembly? _current;

    private static Type EnumType(string name) => _current!.GetType(name, throwOnError: true)!;

    /// <summary>One member: a scalar (Count 0), an inline string (String), or an inline array of a scalar.</summary>
    private sealed record Member(MemberType Type, int Count, bool String)
    {
        public int Size => String ? Count : Type.Size * Math.Max(Count, 1);

        public int Alignment => String ? 1 : Type.Alignment;

        public string Declaration(int index) =>
            String ? $"[FixedString({Count})] public partial string M{index} {{ get; set; }}"
            : Count > 0 ? $"[FixedArray({Count})] public partial {Type.Declared}[] M{index} {{ get; set; }}"
            : $"public partial {Type.Declared} M{index} {{ get; set; }}";

        public object Value(int seed)
        {
            if (String)
            {
                return new string((char)('a' + (seed % 26)), 1 + (seed % Count));
            }
            if (Count == 0)
            {
                return Type.Value(seed);
            }
            Array array = Array.CreateInstance(Type.Value(0).GetType(), Count);
            for (int i = 0; i < Count; i++)
            {
                array.SetValue(Type.Value(seed + i), i);
            }
            return array;
        }

        public byte[]? Encode(object value)
        {
            if (String)
            {
                byte[] utf8 = Encoding.UTF8.GetBytes((string)value);
                return [.. utf8, .. new byte[Count - utf8.Length]];
            }
            if (Type.Encode is null)
            {
                return null;
            }
            return Count == 0 ? Type.Encode(value) : ((Array)value).Cast<object>().SelectMany(Type.Encode).ToArray();
        }
    }

    private static readonly Gen<Member> Members = Gen.Frequency(
        (6, Gen.Elements(Scalars).Select(t => new Member(t, 0, false))),
        (1, Gen.Choose(1, 24).Select(n => new Member(Scalars[1], n, true))),
        (1, Gen.Elements(Scalars).SelectMany(t => Gen.Choose(1, 4).Select(n => new Member(t, n, false)))));

    private static readonly Gen<Member[][]> Definitions =
        Gen.Choose(1, 5).SelectMany(structs => Gen.ArrayOf(Gen.Choose(1, 10).SelectMany(n => Gen.ArrayOf(Members, n)), structs));

    [Fact]
    public void Random_layouts_follow_the_canonical_rule_and_round_trip_through_raw_bytes() =>
        Prop.ForAll(Definitions.ToArbitrary(), Check).Check(Config.QuickThrowOnFailure.WithMaxTest(25));

    private static bool Check(Member[][] structs)
    {
        var source = new StringBuilder(GeneratorHarness.Usings).Append(Enums);
        for (int s = 0; s < structs.Length; s++)
        {
            source.Append("[SharedLayout] public partial struct S").Append(s).Append(" {\n");
            for (int m = 0; m < structs[s].Length; m++)
            {
                source.Append("    ").Append(structs[s][m].Declaration(m)).Append('\n');
            }
            source.Append("}\n");
        }
        _current = GeneratorHarness.Load(source.ToString());
        for (int s = 0; s < structs.Length; s++)
        {
            CheckStruct(_current.GetType("S" + s.ToString(CultureInfo.InvariantCulture), throwOnError: true)!, structs[s]);
        }
        return true;
    }

    private static void CheckStruct(Type type, Member[] members)
    {
        // The oracle: declaration order, each at the next multiple of its alignment; size rounded to the largest.
        var offsets = new Dictionary<string, int>();
        int offset = 0, alignment = 1;
        for (int m = 0; m < members.Length; m++)
        {
            offset = (offset + members[m].Alignment - 1) / members[m].Alignment * members[m].Alignment;
            offsets.Add("M" + m.ToString(CultureInfo.InvariantCulture), offset);
            offset += members[m].Size;
            alignment = Math.Max(alignment, members[m].Alignment);
        }
        int size = (offset + alignment - 1) / alignment * alignment;

        Assert.Equal(offsets, GeneratorHarness.Offsets(type));
        Assert.Equal(size, GeneratorHarness.Constant<int>(type, "Size"));
        Assert.Equal(size, PinnedLayoutTests.RuntimeSize(type));

        object value = Activator.CreateInstance(type)!;
        var written = new object[members.Length];
        for (int m = 0; m < members.Length; m++)
        {
            written[m] = members[m].Value(m + 1);
            RuntimeBehaviorTests.Set(value, "M" + m.ToString(CultureInfo.InvariantCulture), written[m]);
        }
        byte[] bytes = RawBytes.Of(value);
        object back = RawBytes.To(type, bytes);
        for (int m = 0; m < members.Length; m++)
        {
            string name = "M" + m.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(written[m], RuntimeBehaviorTests.Get(back, name));
            byte[]? expected = members[m].Encode(written[m]);
            if (expected is not null)
            {
                Assert.Equal(expected, bytes.Skip(offsets[name]).Take(members[m].Size));
            }
        }
    }
}
