// A strict reader of one tensor saved by torch.save (torch_file.h).
#include "data/torch_file.h"

#include "util/error.h"
#include "util/strings.h"

#include <cstring>
#include <map>
#include <memory>
#include <variant>

namespace mosaic::data {

namespace {

[[noreturn]] void bad(const std::string &name, const std::string &what)
{
    throw Error(StatusCode::CorruptFile, name + ": not a tensor saved by torch.save (" + what + ")");
}

uint32_t le32(const char *p)
{
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v; // (x86-64 and every machine LibTorch runs on are little-endian)
}

uint16_t le16(const char *p)
{
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

struct Entry
{
    size_t offset = 0, size = 0; // the stored bytes
};

// The zip's stored (uncompressed) entries, every offset and size checked against the file.
std::map<std::string, Entry> zipEntries(const std::vector<char> &b, const std::string &name)
{
    const size_t n = b.size();
    if (n < 22)
        bad(name, "too short for a zip archive");
    // The end-of-central-directory record: in the last 22 + 65535 bytes.
    size_t eocd = std::string::npos;
    for (size_t i = n - 22 + 1; i-- > 0 && n - i <= 22 + 65535;)
        if (le32(&b[i]) == 0x06054b50u) {
            eocd = i;
            break;
        }
    if (eocd == std::string::npos)
        bad(name, "no zip directory");
    const size_t count = le16(&b[eocd + 10]), dirSize = le32(&b[eocd + 12]), dirOffset = le32(&b[eocd + 16]);
    if (count == 0 || count > 64 || dirOffset > eocd || dirSize > eocd - dirOffset)
        bad(name, "a zip directory out of bounds");
    std::map<std::string, Entry> entries;
    size_t at = dirOffset;
    for (size_t k = 0; k < count; ++k) {
        if (at + 46 > dirOffset + dirSize || le32(&b[at]) != 0x02014b50u)
            bad(name, "a damaged zip directory");
        const uint16_t method = le16(&b[at + 10]);
        const size_t compressed = le32(&b[at + 20]), size = le32(&b[at + 24]);
        const size_t nameLen = le16(&b[at + 28]), extraLen = le16(&b[at + 30]), commentLen = le16(&b[at + 32]);
        const size_t local = le32(&b[at + 42]);
        if (at + 46 + nameLen + extraLen + commentLen > dirOffset + dirSize)
            bad(name, "a damaged zip directory");
        const std::string entry(&b[at + 46], nameLen);
        if (method != 0 || compressed != size)
            bad(name, "a compressed zip entry");
        if (local + 30 > dirOffset || le32(&b[local]) != 0x04034b50u)
            bad(name, "a zip entry out of bounds");
        const size_t data = local + 30 + le16(&b[local + 26]) + le16(&b[local + 28]);
        if (data > dirOffset || size > dirOffset - data)
            bad(name, "a zip entry out of bounds");
        entries[entry] = {data, size};
        at += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
}

// The values a tensor's pickle holds.
struct Value;
using ValuePtr = std::shared_ptr<const Value>;
struct Global
{
    std::string module, name;
};
struct Value
{
    enum Kind { None, Bool, Int, Text, Tuple, GlobalRef, PersistentId, Reduced, Dict, Mark } kind = None;
    int64_t number = 0;
    std::string text;
    std::vector<ValuePtr> items; // Tuple; PersistentId: [tuple]; Reduced: [callable, args]
    Global global;
};

ValuePtr make(Value v)
{
    return std::make_shared<const Value>(std::move(v));
}

// The pickle of one tensor, as torch.save writes it (protocol 2): a small interpreter for the opcodes
// such a file uses, every read bounded, the stack and the memo limited.
ValuePtr unpickle(const char *p, size_t n, const std::string &name)
{
    std::vector<ValuePtr> stack;
    std::map<uint32_t, ValuePtr> memo;
    size_t i = 0;
    auto need = [&](size_t k) {
        if (k > n - i)
            bad(name, "the pickle ends early");
    };
    auto pop = [&] {
        if (stack.empty())
            bad(name, "the pickle pops an empty stack");
        ValuePtr v = stack.back();
        stack.pop_back();
        return v;
    };
    auto popToMark = [&] {
        std::vector<ValuePtr> items;
        while (!stack.empty() && stack.back()->kind != Value::Mark) {
            items.insert(items.begin(), stack.back());
            stack.pop_back();
        }
        if (stack.empty())
            bad(name, "the pickle has no mark");
        stack.pop_back();
        return items;
    };
    auto push = [&](Value v) {
        if (stack.size() >= 256)
            bad(name, "the pickle nests too deep");
        stack.push_back(make(std::move(v)));
    };
    auto line = [&] {
        const char *end = static_cast<const char *>(std::memchr(p + i, '\n', n - i));
        if (!end || end - (p + i) > 256)
            bad(name, "a damaged name in the pickle");
        std::string s(p + i, static_cast<size_t>(end - (p + i)));
        i = static_cast<size_t>(end - p) + 1;
        return s;
    };
    while (i < n) {
        const auto op = static_cast<unsigned char>(p[i++]);
        Value v;
        switch (op) {
        case 0x80: need(1); ++i; break; // PROTO
        case 'c': v.kind = Value::GlobalRef; v.global.module = line(); v.global.name = line(); push(v); break;
        case '(': v.kind = Value::Mark; push(v); break;
        case 'X': {
            need(4);
            const size_t len = le32(p + i);
            i += 4;
            if (len > 4096)
                bad(name, "a string too long for a tensor's pickle");
            need(len);
            v.kind = Value::Text;
            v.text.assign(p + i, len);
            i += len;
            push(v);
            break;
        }
        case 'q':
        case 'r': { // BINPUT, LONG_BINPUT
            need(op == 'q' ? 1 : 4);
            const uint32_t key = op == 'q' ? static_cast<unsigned char>(p[i]) : le32(p + i);
            i += op == 'q' ? 1 : 4;
            if (memo.size() >= 256 && !memo.count(key))
                bad(name, "the pickle stores too many values");
            memo[key] = stack.empty() ? nullptr : stack.back();
            break;
        }
        case 'h':
        case 'j': {
            need(op == 'h' ? 1 : 4);
            const uint32_t key = op == 'h' ? static_cast<unsigned char>(p[i]) : le32(p + i);
            i += op == 'h' ? 1 : 4;
            const auto it = memo.find(key);
            if (it == memo.end() || !it->second)
                bad(name, "the pickle refers to a value it never stored");
            if (stack.size() >= 256)
                bad(name, "the pickle nests too deep");
            stack.push_back(it->second);
            break;
        }
        case 'K': need(1); v.kind = Value::Int; v.number = static_cast<unsigned char>(p[i]); i += 1; push(v); break;
        case 'M': need(2); v.kind = Value::Int; v.number = le16(p + i); i += 2; push(v); break;
        case 'J': need(4); v.kind = Value::Int; v.number = static_cast<int32_t>(le32(p + i)); i += 4; push(v); break;
        case 0x8a: { // LONG1
            need(1);
            const size_t len = static_cast<unsigned char>(p[i++]);
            if (len > 8)
                bad(name, "an integer too large for a tensor's pickle");
            need(len);
            uint64_t x = 0;
            for (size_t k = 0; k < len; ++k)
                x |= static_cast<uint64_t>(static_cast<unsigned char>(p[i + k])) << (8 * k);
            if (len > 0 && len < 8 && (static_cast<unsigned char>(p[i + len - 1]) & 0x80))
                x |= ~uint64_t{0} << (8 * len); // negative
            i += len;
            v.kind = Value::Int;
            v.number = static_cast<int64_t>(x);
            push(v);
            break;
        }
        case 0x88: case 0x89: v.kind = Value::Bool; v.number = op == 0x88; push(v); break; // NEWTRUE, NEWFALSE
        case 'N': push(v); break;
        case ')': v.kind = Value::Tuple; push(v); break;
        case 't': v.kind = Value::Tuple; v.items = popToMark(); push(v); break;
        case 0x85: case 0x86: case 0x87: { // TUPLE1-3
            v.kind = Value::Tuple;
            for (int k = 0; k < op - 0x84; ++k)
                v.items.insert(v.items.begin(), pop());
            push(v);
            break;
        }
        case 'Q': v.kind = Value::PersistentId; v.items = {pop()}; push(v); break;
        case 'R': {
            ValuePtr args = pop(), callable = pop();
            v.kind = Value::Reduced;
            v.items = {callable, args};
            push(v);
            break;
        }
        case '}': v.kind = Value::Dict; push(v); break;
        case 'u': popToMark(); if (stack.empty()) bad(name, "the pickle pops an empty stack"); break; // SETITEMS
        case 's': pop(); pop(); if (stack.empty()) bad(name, "the pickle pops an empty stack"); break; // SETITEM
        case 'b': pop(); if (stack.empty()) bad(name, "the pickle pops an empty stack"); break;       // BUILD
        case '.': {
            if (stack.size() != 1)
                bad(name, "the pickle does not end with one value");
            return stack.back();
        }
        default: bad(name, format("an opcode a tensor's pickle does not use (0x{})", int(op)));
        }
    }
    bad(name, "the pickle has no end");
}

int64_t intOf(const ValuePtr &v, const std::string &name, const char *what)
{
    if (!v || v->kind != Value::Int)
        bad(name, std::string(what) + " is not an integer");
    return v->number;
}

std::vector<int64_t> intsOf(const ValuePtr &v, const std::string &name, const char *what)
{
    if (!v || v->kind != Value::Tuple || v->items.size() > 16)
        bad(name, std::string(what) + " is not a short tuple of integers");
    std::vector<int64_t> out;
    for (const auto &x : v->items)
        out.push_back(intOf(x, name, what));
    return out;
}

} // namespace

at::Tensor readTorchSavedTensor(const std::vector<char> &bytes, const std::string &name)
{
    const auto entries = zipEntries(bytes, name);
    std::string prefix;
    for (const auto &e : entries)
        if (e.first.size() >= 8 && e.first.compare(e.first.size() - 8, 8, "data.pkl") == 0)
            prefix = e.first.substr(0, e.first.size() - 8);
    const auto pkl = entries.find(prefix + "data.pkl");
    if (pkl == entries.end())
        bad(name, "no data.pkl");
    if (const auto order = entries.find(prefix + "byteorder"); order != entries.end() &&
        std::string(&bytes[order->second.offset], order->second.size) != "little")
        bad(name, "not little-endian");
    const ValuePtr root = unpickle(&bytes[pkl->second.offset], pkl->second.size, name);
    // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)
    if (root->kind != Value::Reduced || root->items[0]->kind != Value::GlobalRef ||
        root->items[0]->global.module != "torch._utils" || root->items[0]->global.name != "_rebuild_tensor_v2" ||
        root->items[1]->kind != Value::Tuple || root->items[1]->items.size() < 4)
        bad(name, "it holds something other than one tensor");
    const auto &args = root->items[1]->items;
    const ValuePtr &storage = args[0];
    if (storage->kind != Value::PersistentId || storage->items[0]->kind != Value::Tuple || storage->items[0]->items.size() != 5)
        bad(name, "a damaged storage reference");
    const auto &ref = storage->items[0]->items; // ("storage", class, key, location, numel)
    if (ref[0]->kind != Value::Text || ref[0]->text != "storage" || ref[1]->kind != Value::GlobalRef || ref[2]->kind != Value::Text)
        bad(name, "a damaged storage reference");
    static const std::map<std::string, std::pair<at::ScalarType, size_t>> types = {
        {"LongStorage", {at::kLong, 8}}, {"IntStorage", {at::kInt, 4}}, {"FloatStorage", {at::kFloat, 4}},
        {"DoubleStorage", {at::kDouble, 8}}};
    const auto type = types.find(ref[1]->global.name);
    if (ref[1]->global.module != "torch" || type == types.end())
        bad(name, "a storage of type " + ref[1]->global.name + " (float, double, int or long are read)");
    const int64_t storageNumel = intOf(ref[4], name, "the storage size");
    const int64_t offset = intOf(args[1], name, "the storage offset");
    const std::vector<int64_t> sizes = intsOf(args[2], name, "the size"), strides = intsOf(args[3], name, "the stride");
    if (sizes.size() != strides.size())
        bad(name, "a size and a stride of different lengths");
    const auto data = entries.find(prefix + "data/" + ref[2]->text);
    if (data == entries.end())
        bad(name, "its storage '" + ref[2]->text + "' is missing");
    const size_t element = type->second.second;
    if (storageNumel < 0 || static_cast<uint64_t>(storageNumel) > data->second.size / element)
        bad(name, format("its storage holds {} bytes, {} elements of {} bytes need more", data->second.size, storageNumel,
                         element));
    // The furthest element the view reaches must lie inside the storage.
    int64_t last = offset;
    bool empty = false;
    for (size_t k = 0; k < sizes.size(); ++k) {
        if (sizes[k] < 0 || strides[k] < 0 || sizes[k] > (int64_t{1} << 32) || strides[k] > (int64_t{1} << 32))
            bad(name, "a negative or huge size or stride");
        if (sizes[k] == 0)
            empty = true;
        else
            last += (sizes[k] - 1) * strides[k];
    }
    if (offset < 0 || (!empty && last >= storageNumel))
        bad(name, format("its shape {} reaches past its storage of {} elements", shapeString(sizes), storageNumel));
    at::Tensor store = at::empty({storageNumel}, at::TensorOptions().dtype(type->second.first));
    std::memcpy(store.data_ptr(), &bytes[data->second.offset], static_cast<size_t>(storageNumel) * element);
    return store.as_strided(sizes, strides, offset).clone();
}

} // namespace mosaic::data
