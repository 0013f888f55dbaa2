// .npz archives (include/mote/npy.h): a zip of .npy members, read with
// libzip (stored and deflated members; libzip checks each member's CRC).
// Without libzip (MOTE_HAVE_LIBZIP unset) the calls say so.
#include <cstring>

#include "mote/npy.h"
#include "src/core/status_format.h"
#include "src/data/gz_reader.h"

#ifndef MOTE_HAVE_LIBZIP
#define MOTE_HAVE_LIBZIP 0
#endif
#if MOTE_HAVE_LIBZIP
#include <zip.h>
#endif

namespace mote {
namespace {

#if MOTE_HAVE_LIBZIP
// Closes the archive on every path out.
struct Archive {
  zip_t* z = nullptr;
  ~Archive() {
    if (z != nullptr) zip_discard(z);  // read-only: nothing to write back
  }
};

// "x_train.npy" -> "x_train"; false for a name not ending in .npy.
bool KeyOf(const char* name, std::string* key) {
  const size_t n = std::strlen(name);
  if (n < 4 || std::memcmp(name + n - 4, ".npy", 4) != 0) return false;
  key->assign(name, n - 4);
  return true;
}

// Reads member `index` (uncompressed size `size` from the central
// directory) into *bytes. The buffer grows with the data that actually
// arrives, so a directory that lies about the size cannot make it allocate
// more than about twice what the member holds.
Status ReadMember(zip_t* z, zip_uint64_t index, zip_uint64_t size, const char* name, std::vector<uint8_t>* bytes) {
  zip_file_t* f = zip_fopen_index(z, index, 0);
  if (f == nullptr)
    return FormattedStatus(StatusCode::kCorruptData, "npz: member '%.200s' cannot be opened: %s", name,
                           zip_strerror(z));
  bytes->clear();
  uint8_t chunk[1 << 16];
  Status s = Status::Ok();
  for (;;) {
    const zip_int64_t got = zip_fread(f, chunk, sizeof chunk);
    if (got < 0) {
      s = FormattedStatus(StatusCode::kCorruptData, "npz: member '%.200s' is damaged: %s", name,
                          zip_file_strerror(f));
      break;
    }
    if (got == 0) break;
    bytes->insert(bytes->end(), chunk, chunk + got);
    if (bytes->size() > size) {
      s = FormattedStatus(StatusCode::kCorruptData, "npz: member '%.200s' holds more bytes than the archive says",
                          name);
      break;
    }
  }
  zip_fclose(f);
  if (s.ok() && bytes->size() != size)
    s = FormattedStatus(StatusCode::kCorruptData, "npz: member '%.200s' holds fewer bytes than the archive says", name);
  return s;
}

// Every member, or only those whose keys are in `wanted` (when not null).
Status ReadNpzImpl(const std::string& path, const std::vector<std::string>* wanted, NpzArchive* out) {
  if (!data_internal::PathExists(path)) return IoError("npz: file not found");
  int error = 0;
  Archive a;
  a.z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (a.z == nullptr) {
    zip_error_t e;
    zip_error_init_with_code(&e, error);
    const Status s = FormattedStatus(error == ZIP_ER_OPEN || error == ZIP_ER_READ ? StatusCode::kIoError
                                                                                  : StatusCode::kCorruptData,
                                     "npz: not a readable zip archive: %s", zip_error_strerror(&e));
    zip_error_fini(&e);
    return s;
  }
  const zip_int64_t count = zip_get_num_entries(a.z, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(a.z, zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE))
      return CorruptData("npz: a member without a name or size");
    std::string key;
    if (!KeyOf(st.name, &key))
      return FormattedStatus(StatusCode::kCorruptData, "npz: member '%.200s' is not a .npy file", st.name);
    for (const std::string& k : out->keys)
      if (k == key) return FormattedStatus(StatusCode::kCorruptData, "npz: two members named '%.200s'", st.name);
    bool want = wanted == nullptr;
    for (size_t w = 0; !want && w < wanted->size(); ++w) want = (*wanted)[w] == key;
    if (!want) continue;
    std::vector<uint8_t> bytes;
    MOTE_TRY(ReadMember(a.z, zip_uint64_t(i), st.size, st.name, &bytes));
    NpyArray array;
    const Status s = ParseNpy(bytes.data(), bytes.size(), &array);
    if (!s.ok()) return FormattedStatus(s.code(), "npz: member '%.200s': %s", st.name, s.message());
    out->keys.push_back(key);
    out->arrays.push_back(std::move(array));
  }
  return Status::Ok();
}
#endif

}  // namespace

bool NpzSupported() { return MOTE_HAVE_LIBZIP != 0; }

const NpyArray* NpzArchive::Find(const std::string& key) const {
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &arrays[i];
  return nullptr;
}

namespace {

Status ReadSome(const std::string& path, const std::vector<std::string>* wanted, NpzArchive* out) {
  if (out == nullptr) return InvalidArgument("npz: null output");
  *out = NpzArchive();
#if MOTE_HAVE_LIBZIP
  const Status s = ReadNpzImpl(path, wanted, out);
  if (!s.ok()) *out = NpzArchive();
  return s;
#else
  (void)path;
  (void)wanted;
  return Unsupported("npz: this build of mote reads no .npz archives (libzip was not found when it was built)");
#endif
}

}  // namespace

Status ReadNpz(const std::string& path, NpzArchive* out) { return ReadSome(path, nullptr, out); }

Status LoadNpzDataset(const std::string& path, const std::string& x_key, const std::string& y_key,
                      const NpyDatasetOptions& options, Dataset* out) {
  if (out == nullptr) return InvalidArgument("npz dataset: null output");
  out->Clear();
  std::vector<std::string> wanted = {x_key};
  if (!y_key.empty()) wanted.push_back(y_key);
  NpzArchive archive;
  MOTE_TRY(ReadSome(path, &wanted, &archive));
  for (const std::string& key : wanted)
    if (archive.Find(key) == nullptr)
      return FormattedStatus(StatusCode::kInvalidArgument, "npz: the archive has no array '%.200s'", key.c_str());
  const std::string what = path + ":" + x_key;
  return DatasetFromNpy(*archive.Find(x_key), y_key.empty() ? nullptr : archive.Find(y_key), options, what.c_str(),
                        out);
}

}  // namespace mote
