using System.Net.Sockets;
using System.Text;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Infrastructure;

/// <summary>A plain RESP connection to a server process, with binary-safe arguments and a read deadline.</summary>
public sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public RespConnection(int port, string host = "127.0.0.1")
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
        _socket.Connect(host, port);
    }

    public RespValue Call(params string[] args) => CallBytes(args.Select(a => (object)a).ToArray());

    /// <summary>Arguments may be strings (UTF-8) or byte arrays.</summary>
    public RespValue CallBytes(params object[] args)
    {
        Send(args);
        return Read();
    }

    public void Send(params object[] args) => _socket.Send(Encode(args.Select(a => a as byte[] ?? Encoding.UTF8.GetBytes((string)a)).ToArray()));

    /// <summary>One command as a RESP multibulk request.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> args)
    {
        var stream = new MemoryStream();
        stream.Write(Encoding.ASCII.GetBytes($"*{args.Count}\r\n"));
        foreach (var bytes in args)
        {
            stream.Write(Encoding.ASCII.GetBytes($"${bytes.Length}\r\n"));
            stream.Write(bytes);
            stream.Write("\r\n"u8);
        }
        return stream.ToArray();
    }

    public void SendRaw(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length) sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
    }

    /// <summary>Tells the server no more requests come (a half close): it answers what it has, then closes.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>True when reply bytes have arrived that were not read yet.</summary>
    public bool HasPendingInput => _end > _start || _socket.Available > 0;

    public RespValue Read()
    {
        ReadRaw(out var value);
        return value;
    }

    /// <summary>Reads one reply; returns its exact bytes on the wire and its parsed form.</summary>
    public byte[] ReadRaw(out RespValue value)
    {
        while (true)
        {
            if (_end > _start && RespReader.TryRead(_buffer.AsSpan(_start, _end - _start), out var parsed, out int consumed))
            {
                var raw = _buffer.AsSpan(_start, consumed).ToArray();
                _start += consumed;
                value = parsed!;
                return raw;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (n == 0) throw new IOException("connection closed by server");
            _end += n;
        }
    }

    /// <summary>Everything the server sends until it closes the connection (unparsed), within the read deadline.</summary>
    public byte[] ReadToEnd()
    {
        var all = new MemoryStream();
        all.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        var chunk = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = _socket.Receive(chunk);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                break;
            }
            if (n == 0) break;
            all.Write(chunk, 0, n);
        }
        return all.ToArray();
    }

    public void Dispose() => _socket.Dispose();
}
