// A product's photos on the staff catalog page: the current ones (main photo first) with a remove
// button, and a file picker that uploads the chosen image as it is; the server checks and resizes it.
import type { ProductImage } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import type { Product } from './catalog.tsx';
import { tk } from './catalog-messages.ts';
import { useAction } from './kit.tsx';

const ACCEPT = 'image/jpeg,image/png,image/webp';

export function ProductPhotos({ product, onChanged }: { product: Product; onChanged: () => void }) {
  const action = useAction();
  const base = `/api/products/${encodeURIComponent(product.productId)}/images`;
  const upload = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    void action.run(async () => {
      await api.post<ProductImage>(base, file);
      input.value = '';
      onChanged();
      return tk('photoAdded');
    });
  };
  const remove = (imageId: string) =>
    action.run(async () => {
      await api.delete(`${base}/${encodeURIComponent(imageId)}`);
      onChanged();
      return tk('photoRemoved');
    });
  return (
    <fieldset class="product-photos" data-product-id={product.productId}>
      <legend>{tk('photos')}</legend>
      {product.images.length === 0 ? (
        <p class="hint">{tk('noPhotos')}</p>
      ) : (
        <ul class="photo-list">
          {product.images.map((img) => (
            <li key={img.imageId} data-image-id={img.imageId}>
              <img src={img.urls[160]} alt="" width={80} height={80} />
              <button
                type="button"
                class="secondary"
                disabled={action.busy}
                onClick={() => void remove(img.imageId)}
              >
                {tk('removePhoto')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <label class="field">
        <span>{tk('addPhoto')}</span>
        <input
          type="file"
          name="photo"
          accept={ACCEPT}
          disabled={action.busy}
          onChange={(e) => upload(e.currentTarget)}
        />
      </label>
      {action.view()}
    </fieldset>
  );
}
