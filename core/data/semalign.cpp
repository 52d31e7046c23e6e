// Import of the released SemAlign-MS-Subjects200K layout (mosaic-method.md §5.1).
#include <mosaic/dataset.h>

#include "util/error.h"

namespace mosaic {

Status importSemAlign(const SemAlignImportOptions &, SemAlignImportReport *)
{
    return {StatusCode::Unsupported, "the SemAlign-MS importer is not written yet"};
}

} // namespace mosaic
