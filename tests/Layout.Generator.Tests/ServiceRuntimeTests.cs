using System;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// What the generated proxy and dispatcher do at run time, without a ring (a CallClient needs a server): arguments
/// encoded by the proxy's cached writers go through the dispatcher to the implementation, and the dispatcher's
/// reply decodes with the proxy's cached readers; the dispatcher refuses invalid requests.
/// </summary>
public sealed class ServiceRuntimeTests
{
    private const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;

    private static readonly Lazy<Assembly> Sample = new(() => ServiceHarness.Load(ServiceSamples.Scanner));

    private static Type Type(string name) => Sample.Value.GetType("Samples." + name, throwOnError: true)!;

    private static object Enum(string type, long value) => System.Enum.ToObject(Type(type), value);

    private static int Id(string method) => GeneratorHarness.Constant<int>(Type("LegacyScannerContract").GetNestedType("MethodIds")!, method);

    /// <summary>The arguments as the proxy encodes them (its cached writer of <paramref name="method"/>).</summary>
    private static byte[] Request(string method, params object?[] args)
    {
        FieldInfo field = Type("LegacyScannerProxy").GetField(args.Length == 0 ? "__ripc_WriteNothing" : "__ripc_Write_" + method, Static)!;
        Type argsType = field.FieldType.GetGenericArguments()[0];
        object value = args.Length switch
        {
            0 => (byte)0,
            1 => args[0]!,
            _ => Tuple(argsType, args),
        };
        return (byte[])typeof(ServiceRuntimeTests).GetMethod(nameof(Encode), Static)!.MakeGenericMethod(argsType).Invoke(null, [field.GetValue(null), value])!;
    }

    private static byte[] Encode<T>(CallArgsWriter<T> write, T args)
    {
        var buffer = new byte[4096];
        var writer = new CallWriter(buffer);
        write(ref writer, in args);
        return buffer[..writer.Written];
    }

    /// <summary>A ValueTuple of <paramref name="type"/> (nested past seven elements) holding <paramref name="values"/>.</summary>
    private static object Tuple(Type type, object?[] values)
    {
        Type[] elements = type.GetGenericArguments();
        object?[] items = elements.Length == 8 ? [.. values.Take(7), Tuple(elements[7], values[7..])] : values;
        return Activator.CreateInstance(type, items)!;
    }

    /// <summary>The reply decoded as the proxy decodes it (its cached reader of <paramref name="method"/>).</summary>
    private static object? Result(string method, byte[] reply)
    {
        FieldInfo field = Type("LegacyScannerProxy").GetField("__ripc_Read_" + method, Static)!;
        MethodInfo decode = typeof(ServiceRuntimeTests).GetMethod(nameof(Decode), Static)!.MakeGenericMethod(field.FieldType.GetGenericArguments()[0]);
        try
        {
            return decode.Invoke(null, [field.GetValue(null), reply]);
        }
        catch (TargetInvocationException exception)
        {
            throw exception.InnerException!;
        }
    }

    private static T Decode<T>(CallResultReader<T> read, byte[] bytes)
    {
        var reader = new CallReader(bytes);
        return read(ref reader);
    }

    private static ICallDispatcher Dispatcher() =>
        (ICallDispatcher)Activator.CreateInstance(Type("LegacyScannerDispatcher"), Activator.CreateInstance(Type("Scanner")))!;

    /// <summary>Runs the dispatcher on <paramref name="request"/> and returns the reply's bytes.</summary>
    private static async Task<byte[]> Dispatch(int methodId, byte[] request)
    {
        var reply = (CallReplyWriter)Activator.CreateInstance(typeof(CallReplyWriter), nonPublic: true)!;
        await Dispatcher().DispatchAsync(methodId, request, reply, default);
        int length = (int)typeof(CallReplyWriter).GetProperty("Length", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(reply)!;
        byte[] buffer = (byte[])typeof(CallReplyWriter).GetField("_buffer", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(reply)!;
        return buffer[..length];
    }

    /// <summary>Proxy encoding → dispatcher → implementation → reply → proxy decoding.</summary>
    private static async Task<object?> Call(string method, params object?[] args) =>
        Result(method, await Dispatch(Id(method), Request(method, args)));

    private static object? StaticField(string type, string field) => Type(type).GetField(field, Static)!.GetValue(null);

    [Fact]
    public async Task Fixed_size_values_round_trip()
    {
        Assert.Equal(8, Request("AddAsync", 2, 40).Length);
        Assert.Equal(42, await Call("AddAsync", 2, 40));

        object quote = Activator.CreateInstance(Type("Quote"))!;
        Type("Quote").GetProperty("Price")!.SetValue(quote, -123456789012L);
        Type("Quote").GetProperty("Quantity")!.SetValue(quote, 10);
        Type("Quote").GetProperty("Firm")!.SetValue(quote, true);
        object echoed = (await Call("EchoAsync", quote, Enum("Side", 2)))!;
        Assert.Equal(-123456789012L, Type("Quote").GetProperty("Price")!.GetValue(echoed));
        Assert.Equal(12, Type("Quote").GetProperty("Quantity")!.GetValue(echoed));
        Assert.Equal(true, Type("Quote").GetProperty("Firm")!.GetValue(echoed));

        object?[] all = [true, (sbyte)-2, (byte)250, (short)-3, (ushort)65000, -4, 4000000000u, long.MinValue, ulong.MaxValue, 'Ω', 1.5f, -2.25,
            Enum("Options", 5), Enum("Sparse", 1L << 40), System.Enum.ToObject(Type("Wide"), ulong.MaxValue)];
        byte[] request = Request("AllAsync", all);
        Assert.Equal(1 + 1 + 1 + 2 + 2 + 4 + 4 + 8 + 8 + 2 + 4 + 8 + 2 + 8 + 8, request.Length);
        Assert.Equal(false, Result("AllAsync", await Dispatch(Id("AllAsync"), request)));
        object last = StaticField("Scanner", "LastAll")!;
        Assert.Equal(all, Enumerable.Range(0, all.Length).Select(i => ((System.Runtime.CompilerServices.ITuple)last)[i]));

        Assert.Equal(Enum("Sparse", -5), await Call("SparseAsync", Enum("Sparse", -5)));
        Assert.Equal(Enum("Options", 0), await Call("FlagsAsync", Enum("Options", 0)));
        Assert.Equal('Ω', await Call("ScanAsync_2"));
    }

    [Fact]
    public async Task Strings_bytes_and_calls_without_arguments_or_results_round_trip()
    {
        Assert.Equal("abcd", await Call("ConcatAsync", "ab", "cd"));
        Assert.Null(await Call("ConcatAsync", "ab", null));
        Assert.Equal("héllo", await Call("NameAsync"));

        Assert.Empty(Request("PingAsync"));
        Assert.Empty(await Dispatch(Id("PingAsync"), []));

        await Dispatch(Id("ScanAsync"), Request("ScanAsync", 5));
        Assert.Equal(5L, StaticField("Scanner", "Scanned"));
        await Dispatch(Id("ScanAsync_3"), Request("ScanAsync_3", 6L));
        Assert.Equal(-6L, StaticField("Scanner", "Scanned"));
    }

    [Fact]
    public async Task Byte_arguments_are_slices_of_the_request_and_a_CallBytes_result_is_disposed_once_sent()
    {
        byte[] request = Request("ReverseAsync", new ReadOnlyMemory<byte>([1, 2, 3]), (byte)9, new ReadOnlyMemory<byte>([7, 8]));
        Assert.Equal(4 + 3 + 1 + 4 + 2, request.Length);
        byte[] reply = await Dispatch(Id("ReverseAsync"), request);

        var data = (ReadOnlyMemory<byte>)StaticField("Scanner", "LastData")!;
        Assert.True(MemoryMarshal.TryGetArray(data, out ArraySegment<byte> segment));
        Assert.Same(request, segment.Array);
        Assert.Equal((4, 3), (segment.Offset, segment.Count));
        Assert.Throws<ObjectDisposedException>(() => ((CallBytes)StaticField("Scanner", "LastLease")!).Memory);

        using var result = (CallBytes)Result("ReverseAsync", reply)!;
        Assert.Equal(new byte[] { 3, 2, 1, 9, 7, 8 }, result.Memory.ToArray());
    }

    [Theory]
    [InlineData("AddAsync", new byte[] { 1, 0, 0, 0, 2, 0, 0 }, "Argument 'b' of Samples.ILegacyScanner.AddAsync needs 4 bytes at offset 4")]
    [InlineData("AddAsync", new byte[] { 1, 0, 0, 0, 2, 0, 0, 0, 0 }, "1 bytes left over")]
    [InlineData("PingAsync", new byte[] { 0 }, "1 bytes left over")]
    [InlineData("SparseAsync", new byte[] { 4, 0, 0, 0, 0, 0, 0, 0 }, "Argument 'value' of Samples.ILegacyScanner.SparseAsync is 4, which Samples.Sparse does not define.")]
    [InlineData("FlagsAsync", new byte[] { 2, 0 }, "Argument 'value' of Samples.ILegacyScanner.FlagsAsync is 2, which Samples.Options does not define.")]
    [InlineData("ConcatAsync", new byte[] { 255, 255, 255, 255, 255, 255, 255, 255 }, "Argument 'left' of Samples.ILegacyScanner.ConcatAsync is null, which the contract does not allow")]
    [InlineData("ReverseAsync", new byte[] { 255, 255, 255, 255 }, "Argument 'data' of Samples.ILegacyScanner.ReverseAsync has a negative length (-1).")]
    public async Task The_dispatcher_refuses_an_invalid_request(string method, byte[] request, string message)
    {
        CallProtocolException exception = await Assert.ThrowsAsync<CallProtocolException>(() => Dispatch(Id(method), request));
        Assert.Contains(message, exception.Message);
    }

    [Fact]
    public async Task The_dispatcher_checks_bools_enums_and_method_ids()
    {
        object?[] all = [true, (sbyte)0, (byte)0, (short)0, (ushort)0, 0, 0u, 0L, 0UL, 'a', 0f, 0d, Enum("Options", 1), Enum("Sparse", 3), Enum("Wide", 0)];
        byte[] request = Request("AllAsync", all);
        request[0] = 2;
        Assert.StartsWith("Argument 'b' of Samples.ILegacyScanner.AllAsync is a bool stored as 2",
            (await Assert.ThrowsAsync<CallProtocolException>(() => Dispatch(Id("AllAsync"), request))).Message);

        byte[] wide = Request("AllAsync", all);
        wide[^8] = 1; // Wide defines 0 and ulong.MaxValue only
        Assert.Equal("Argument 'w' of Samples.ILegacyScanner.AllAsync is 1, which Samples.Wide does not define.",
            (await Assert.ThrowsAsync<CallProtocolException>(() => Dispatch(Id("AllAsync"), wide))).Message);

        object quote = Activator.CreateInstance(Type("Quote"))!;
        byte[] echo = Request("EchoAsync", quote, Enum("Side", 3));
        Assert.Equal("Argument 'side' of Samples.ILegacyScanner.EchoAsync is 3, which Samples.Side does not define.",
            (await Assert.ThrowsAsync<CallProtocolException>(() => Dispatch(Id("EchoAsync"), echo))).Message);

        int unknown = Enumerable.Range(1, 100).First(id => Type("LegacyScannerContract").GetNestedType("MethodIds")!.GetFields().All(f => (int)f.GetValue(null)! != id));
        Assert.Equal($"Contract Samples.ILegacyScanner has no method with id {unknown}.",
            (await Assert.ThrowsAsync<CallProtocolException>(() => Dispatch(unknown, []))).Message);
    }

    [Fact]
    public async Task The_proxy_checks_results_as_it_reads_them()
    {
        // The implementation answers default(Empty), which Empty does not define: the client refuses it.
        byte[] reply = await Dispatch(Id("EmptyAsync"), []);
        Assert.Equal("The result of Samples.ILegacyScanner.EmptyAsync is 0, which Samples.Empty does not define.",
            Assert.Throws<CallProtocolException>(() => Result("EmptyAsync", reply)).Message);
        Assert.Contains("1 bytes left over", Assert.Throws<CallProtocolException>(() => Result("FlagsAsync", [1, 0, 0])).Message);
        Assert.Contains("is a bool stored as 7", Assert.Throws<CallProtocolException>(() => Result("AllAsync", [7])).Message);
    }

    [Fact]
    public void The_generated_types_check_their_arguments_and_name_the_contract()
    {
        Assert.IsType<ArgumentNullException>(Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(Type("LegacyScannerProxy"), [null])).InnerException);
        Assert.IsType<ArgumentNullException>(Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(Type("LegacyScannerDispatcher"), [null])).InnerException);

        var contract = (CallContract)Type("LegacyScannerContract").GetProperty("Instance")!.GetValue(null)!;
        Assert.Same(contract, Dispatcher().Contract);
        Assert.Equal("Samples.ILegacyScanner", contract.Name);
        ServiceModel model = Assert.Single(ServiceHarness.Models(ServiceHarness.Run(ServiceSamples.Scanner).Result));
        Assert.Equal(CallContract.Combine(model.Fingerprint, GeneratorHarness.Constant<ulong>(Type("Quote"), "Fingerprint")), contract.Fingerprint);
    }

    [Fact]
    public void The_proxy_caches_its_delegates_in_static_readonly_fields()
    {
        FieldInfo[] delegates = Type("LegacyScannerProxy").GetFields(Static).Where(f => typeof(Delegate).IsAssignableFrom(f.FieldType)).ToArray();
        Assert.Equal(1 + 9 + 10, delegates.Length); // one writer for calls without arguments, 9 argument writers, 10 result readers
        Assert.All(delegates, f => Assert.True(f.IsStatic && f.IsInitOnly && f.GetValue(null) is not null, f.Name));
    }
}
